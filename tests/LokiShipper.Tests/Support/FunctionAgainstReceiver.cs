using System.Text.Json;
using LokiShipper.Diagnostics;
using LokiShipper.Function;
using LokiShipper.Runtime;

namespace LokiShipper.Tests.Support;

/// <summary>Tests of the whole function (as <c>Main</c> builds it) pushing to a loopback Loki receiver, with its log kept.</summary>
public abstract class FunctionAgainstReceiver : IAsyncLifetime
{
    private LokiReceiver? _receiver;

    /// <summary>The Loki the function pushes to.</summary>
    private protected LokiReceiver Receiver => _receiver ?? throw new InvalidOperationException("the receiver starts in InitializeAsync");

    /// <summary>What the function logged: the summary line and the EMF line of each invocation.</summary>
    private protected StringWriter Log { get; } = new();

    /// <summary>A minute ago, in milliseconds: timestamps Loki accepts.</summary>
    private protected long BaseMs { get; } = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();

    public async Task InitializeAsync() => _receiver = await LokiReceiver.StartAsync();

    public async Task DisposeAsync() => await Receiver.DisposeAsync();

    private protected ShipperFunction Handler(params (string, string)[] variables) => Composition.CreateFunction(
        TestOptions.From([("WRITE_ADDRESS", Receiver.PushUrl.ToString()), ("AWS_LAMBDA_FUNCTION_NAME", "lokishipper-shipper"), .. variables]),
        new ShipperLog(Log, LogLevel.Info),
        TimeProvider.System);

    private protected static InvocationContext Context() => new("req", DateTimeOffset.UtcNow.AddSeconds(30));

    private protected List<JsonElement> LogLines() => Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
}
