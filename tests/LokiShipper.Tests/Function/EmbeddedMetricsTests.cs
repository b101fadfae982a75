using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Function;

/// <summary>Each invocation also writes its counts as one CloudWatch Embedded Metric Format line.</summary>
public sealed class EmbeddedMetricsTests : FunctionAgainstReceiver
{
    [Fact]
    public async Task Each_invocation_also_writes_an_emf_metrics_line()
    {
        await Handler().HandleAsync(TestEvents.CloudWatch("/aws/lambda/m", "s", (BaseMs, "a"), (BaseMs + 1, "b")), Context(), CancellationToken.None);

        var emf = LogLines()[1];
        var directive = emf.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal("LokiShipper", directive.GetProperty("Namespace").GetString());
        Assert.Equal(["FunctionName"], directive.GetProperty("Dimensions")[0].EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(
            ["EntriesIn", "EntriesPushed", "EntriesRejected", "EntriesDropped", "EntriesFailed", "MetadataDropped", "LinesRedacted", "LinesJoined", "InvalidRecords", "Retries", "BytesSent", "PushLatency"],
            directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()));
        Assert.Equal("lokishipper-shipper", emf.GetProperty("FunctionName").GetString());
        Assert.Equal(2, emf.GetProperty("EntriesIn").GetInt32());
        Assert.Equal(2, emf.GetProperty("EntriesPushed").GetInt32());
        Assert.Equal(Receiver.Received.Single().BodyBytes, emf.GetProperty("BytesSent").GetInt32());
        Assert.InRange(emf.GetProperty("_aws").GetProperty("Timestamp").GetInt64(), BaseMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
}
