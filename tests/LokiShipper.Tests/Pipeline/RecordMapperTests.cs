using LokiShipper.Labels;
using LokiShipper.Pipeline;
using LokiShipper.Sources.CloudWatch;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Pipeline;

public class RecordMapperTests
{
    private static SubscriptionRecord Record(params (long Ms, string Message)[] events) => new(
        MessageTypes.DataMessage,
        TestEvents.Owner,
        "/aws/lambda/checkout",
        "2026/11/22/[$LATEST]abc",
        events.Select(e => LogLine.FromText(e.Ms * LogLine.NanosPerMilli, e.Message)).ToList());

    private static LogRecord Source(SubscriptionRecord record) => new(new CloudWatchOrigin(record.LogGroup, record.LogStream, record.Owner), record.LogEvents);

    private static RecordMapper Mapper(params (string Name, string Value)[] variables)
    {
        var options = TestOptions.From(variables);
        return new RecordMapper(new StreamLabeler(options.LabelsSlice()), options.MaxLineSize);
    }

    [Fact]
    public void Each_log_event_becomes_an_entry_with_exact_nanoseconds_its_line_and_the_log_stream_as_metadata()
    {
        var record = Record((1_795_363_200_123, "first ✓"), (1_795_363_200_124, "second"));
        var batcher = new Batcher();

        var truncated = Mapper(("AWS_REGION", "eu-west-1")).Map(Source(record), item: 7, batcher);

        var batch = Assert.Single(batcher.Build(1 << 20));
        var stream = Assert.Single(batch.Streams);
        Assert.Equal(0, truncated);
        Assert.Equal("""{aws_account_id="123456789012", aws_region="eu-west-1", aws_service="lambda", log_group="/aws/lambda/checkout", service_name="checkout"}""", stream.Labels.Text);
        Assert.Equal(
            [(1_795_363_200_123_000_000L, "first ✓", 9), (1_795_363_200_124_000_000L, "second", 6)],
            stream.Entries.Select(e => (e.TimestampNs, e.LineText, e.LineBytes)));
        Assert.Equal([7], batcher.ItemsOf(batch));
        Assert.All(stream.Entries, e => Assert.Equal([new("log_stream", "2026/11/22/[$LATEST]abc")], e.Metadata.Pairs));
    }

    [Fact]
    public void Lines_over_MAX_LINE_SIZE_are_cut_and_counted_and_KEEP_STREAM_moves_the_stream_into_the_labels()
    {
        var record = Record((1, new string('x', 300)), (2, "short"));
        var batcher = new Batcher();

        var truncated = Mapper(("MAX_LINE_SIZE", "200"), ("KEEP_STREAM", "true")).Map(Source(record), item: 0, batcher);

        var stream = Assert.Single(Assert.Single(batcher.Build(1 << 20)).Streams);
        Assert.Equal(1, truncated);
        Assert.Equal(200, stream.Entries[0].LineBytes);
        Assert.EndsWith("…[truncated by LokiShipper, 300 bytes]", stream.Entries[0].LineText, StringComparison.Ordinal);
        Assert.Equal("short", stream.Entries[1].LineText);
        Assert.Equal("2026/11/22/[$LATEST]abc", stream.Labels.Pairs.Single(p => p.Key == "log_stream").Value);
        Assert.All(stream.Entries, e => Assert.True(e.Metadata.IsEmpty));
    }
}
