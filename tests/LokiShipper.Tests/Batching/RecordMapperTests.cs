using LokiShipper.Batching;
using LokiShipper.Decode;
using LokiShipper.Events;
using LokiShipper.Labels;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Batching;

public class RecordMapperTests
{
    private static SubscriptionRecord Record(params (long Ms, string Message)[] events) => new(
        CloudWatchLogsData.DataMessage,
        TestEvents.Owner,
        "/aws/lambda/checkout",
        "2026/11/22/[$LATEST]abc",
        events.Select(e => new CloudWatchLogEvent { Timestamp = e.Ms, Message = e.Message }).ToList());

    private static LogSource Source(SubscriptionRecord record) => new("cloudwatch", record.LogGroup, record.LogStream, record.Owner);

    [Fact]
    public void Each_log_event_becomes_an_entry_with_exact_nanoseconds_its_line_and_the_log_stream_as_metadata()
    {
        var record = Record((1_795_363_200_123, "first ✓"), (1_795_363_200_124, "second"));
        var batcher = new Batcher();

        var truncated = new RecordMapper(TestOptions.From(("AWS_REGION", "eu-west-1"))).Map(record, Source(record), origin: 7, batcher);

        var stream = Assert.Single(Assert.Single(batcher.Build(1 << 20)).Streams);
        Assert.Equal(0, truncated);
        Assert.Equal("""{aws_account_id="123456789012", aws_region="eu-west-1", aws_service="lambda", log_group="/aws/lambda/checkout", service_name="checkout"}""", stream.Labels.Text);
        Assert.Equal(
            [(1_795_363_200_123_000_000L, "first ✓", 9, 7), (1_795_363_200_124_000_000L, "second", 6, 7)],
            stream.Entries.Select(e => (e.TimestampNs, e.LineText, e.LineBytes, e.Origin)));
        Assert.All(stream.Entries, e => Assert.Equal([new("log_stream", "2026/11/22/[$LATEST]abc")], e.Metadata.Pairs));
    }

    [Fact]
    public void Lines_over_MAX_LINE_SIZE_are_cut_and_counted_and_KEEP_STREAM_moves_the_stream_into_the_labels()
    {
        var record = Record((1, new string('x', 300)), (2, "short"));
        var batcher = new Batcher();

        var truncated = new RecordMapper(TestOptions.From(("MAX_LINE_SIZE", "200"), ("KEEP_STREAM", "true"))).Map(record, Source(record), origin: 0, batcher);

        var stream = Assert.Single(Assert.Single(batcher.Build(1 << 20)).Streams);
        Assert.Equal(1, truncated);
        Assert.Equal(200, stream.Entries[0].LineBytes);
        Assert.EndsWith("…[truncated by LokiShipper, 300 bytes]", stream.Entries[0].LineText, StringComparison.Ordinal);
        Assert.Equal("short", stream.Entries[1].LineText);
        Assert.Equal("2026/11/22/[$LATEST]abc", stream.Labels.Pairs.Single(p => p.Key == "log_stream").Value);
        Assert.All(stream.Entries, e => Assert.True(e.Metadata.IsEmpty));
    }
}
