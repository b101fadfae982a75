using System.Text.Json;
using LokiShipper.Diagnostics;
using LokiShipper.Function;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Function;

/// <summary>Each invocation also writes its counts as one CloudWatch Embedded Metric Format line.</summary>
public sealed class EmbeddedMetricsTests : IAsyncLifetime
{
    private LokiReceiver _receiver = null!;
    private readonly StringWriter _log = new();
    private readonly long _baseMs = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();

    public async Task InitializeAsync() => _receiver = await LokiReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private ShipperFunction Handler(params (string, string)[] variables) => Composition.CreateFunction(
        TestOptions.From([("WRITE_ADDRESS", _receiver.PushUrl.ToString()), ("AWS_LAMBDA_FUNCTION_NAME", "lokishipper-shipper"), .. variables]),
        new ShipperLog(_log, LogLevel.Info),
        TimeProvider.System);

    private static InvocationContext Context() => new("req", DateTimeOffset.UtcNow.AddSeconds(30));

    private List<JsonElement> LogLines() => _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public async Task Each_invocation_also_writes_an_emf_metrics_line()
    {
        await Handler().HandleAsync(TestEvents.CloudWatch("/aws/lambda/m", "s", (_baseMs, "a"), (_baseMs + 1, "b")), Context(), CancellationToken.None);

        var emf = LogLines()[1];
        var directive = emf.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal("LokiShipper", directive.GetProperty("Namespace").GetString());
        Assert.Equal(["FunctionName"], directive.GetProperty("Dimensions")[0].EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(
            ["EntriesIn", "EntriesPushed", "EntriesRejected", "EntriesDropped", "EntriesFailed", "MetadataDropped", "InvalidRecords", "Retries", "BytesSent", "PushLatency"],
            directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()));
        Assert.Equal("lokishipper-shipper", emf.GetProperty("FunctionName").GetString());
        Assert.Equal(2, emf.GetProperty("EntriesIn").GetInt32());
        Assert.Equal(2, emf.GetProperty("EntriesPushed").GetInt32());
        Assert.Equal(_receiver.Received.Single().BodyBytes, emf.GetProperty("BytesSent").GetInt32());
        Assert.InRange(emf.GetProperty("_aws").GetProperty("Timestamp").GetInt64(), _baseMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
}
