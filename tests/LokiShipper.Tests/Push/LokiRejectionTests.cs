using LokiShipper.Batching;
using LokiShipper.Labels;
using LokiShipper.Push;

namespace LokiShipper.Tests.Push;

public class LokiRejectionTests
{
    private static readonly LabelSet Labels = LabelSet.From([new("service_name", "checkout")]);

    private static PushBatch Batch(int entries) => new(0, [new LokiStream(Labels, Enumerable.Range(0, entries).Select(i => LokiEntry.FromText(i, "l", StructuredMetadata.Empty)).ToList())], entries, entries);

    [Fact]
    public void Ingester_answers_are_counted_from_total_ignored()
    {
        const string body = """
            entry with timestamp 2026-11-01 10:00:00 +0000 UTC ignored, reason: 'entry too far behind, entry timestamp is: 2026-11-01T10:00:00Z, oldest acceptable timestamp is: 2026-11-22T11:00:00Z',
            entry with timestamp 2026-11-01 10:00:01 +0000 UTC ignored, reason: 'entry too far behind, entry timestamp is: 2026-11-01T10:00:01Z, oldest acceptable timestamp is: 2026-11-22T11:00:00Z',
            user 'fake', total ignored: 7 out of 10 for stream: {service_name="checkout"}
            """;

        Assert.Equal((7, "entry_too_far_behind"), LokiRejection.Parse(body, Batch(10)));
    }

    [Fact]
    public void Distributor_answers_count_the_entries_they_name()
    {
        const string body = "entry for stream '{service_name=\"checkout\"}' has timestamp too old: 2026-11-01T00:00:00Z, oldest acceptable timestamp is: 2026-11-15T12:00:00Z";

        Assert.Equal((1, "too_old"), LokiRejection.Parse(body, Batch(3)));
    }

    [Fact]
    public void Line_too_long()
    {
        const string body = "Max entry size '262144' bytes exceeded for stream '{service_name=\"checkout\"}' while adding an entry with length '300000' bytes";

        Assert.Equal((1, "line_too_long"), LokiRejection.Parse(body, Batch(3)));
    }

    [Fact]
    public void Invalid_labels_refuse_the_whole_stream_named()
    {
        const string body = "error parsing labels {service_name=\"checkout\"} with error: duplicate label name";

        Assert.Equal((4, "invalid_labels"), LokiRejection.Parse(body, Batch(4)));
    }

    [Theory]
    [InlineData("loghttp.PushRequest.Streams: []*loghttp.Stream: unmarshalerDecoder: Value looks like object, but can't find closing '}' symbol")]
    [InlineData("snappy: corrupt input")]
    [InlineData("")]
    public void A_body_loki_could_not_read_is_not_partial_acceptance(string body)
    {
        Assert.Null(LokiRejection.Parse(body, Batch(3)));
    }

    [Fact]
    public void The_count_never_exceeds_the_batch()
    {
        Assert.Equal((2, "too_old"), LokiRejection.Parse("timestamp too old\ntotal ignored: 50 out of 50", Batch(2)));
    }
}
