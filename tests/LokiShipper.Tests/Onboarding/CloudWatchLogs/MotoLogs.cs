using Amazon.Runtime;
using LokiShipper.Onboarding.CloudWatchLogs;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Onboarding.CloudWatchLogs;

/// <summary>
/// moto's CloudWatch Logs (and Kinesis, a subscription destination moto accepts without Docker) on 127.0.0.1; the
/// tests create log groups with the AWS CLI, as a user would, and read and change them with our client.
/// </summary>
/// <remarks>
/// moto checks a subscription filter's destination exists: a Lambda ARN needs a function created in moto (a zip and
/// an IAM role), so the tests use a Kinesis stream created here. Without <c>moto_server</c> or <c>aws</c> on PATH
/// nothing starts and <see cref="SkipIfUnavailable"/> skips each test, or fails it under
/// <c>LOKISHIPPER_REQUIRE_SERVICES=1</c> (CI), as the other moto tests do.
/// </remarks>
public sealed class MotoLogs : IAsyncLifetime
{
    public const string Region = MotoServer.Region;
    public const string StreamName = "lokishipper-subscription";

    private readonly SocketsHttpHandler _handler = new();
    private MotoProcess? _moto;

    public Uri Endpoint { get; private set; } = null!;

    public string StreamArn => $"arn:aws:kinesis:{Region}:123456789012:stream/{StreamName}";

    /// <summary>Why moto could not be started, or null.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>What moto accepts; never a real key.</summary>
    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("testing", "testing");

    public void SkipIfUnavailable()
    {
        RealLokis.Fail(Unavailable is not null, Unavailable!);
        Skip.If(Unavailable is not null, Unavailable);
    }

    public async Task InitializeAsync()
    {
        Unavailable = MotoProcess.Unavailable("CloudWatch Logs", needsAwsCli: true);
        if (Unavailable is not null)
        {
            return;
        }

        _moto = await MotoProcess.StartAsync();
        Endpoint = _moto.Endpoint;

        await _moto.AwsAsync("kinesis", "create-stream", "--stream-name", StreamName, "--shard-count", "1");
    }

    /// <summary>Creates log groups with the AWS CLI, a few at a time (each CLI start takes about half a second).</summary>
    public async Task CreateLogGroupsAsync(IEnumerable<string> names)
    {
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(names.Select(async name =>
        {
            await gate.WaitAsync();
            try
            {
                await _moto!.AwsAsync("logs", "create-log-group", "--log-group-name", name);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>Our client against this moto, on real time (moto answers at once, there is nothing to wait for).</summary>
    internal CloudWatchLogsClient NewClient() =>
        new(_handler, Endpoint, Region, Credentials, TimeProvider.System, maxAttempts: 2);

    public async Task DisposeAsync()
    {
        _handler.Dispose();
        if (_moto is not null)
        {
            await _moto.DisposeAsync();
        }
    }
}
