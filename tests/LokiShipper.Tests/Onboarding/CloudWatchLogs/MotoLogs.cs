using System.Diagnostics;
using System.Globalization;
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
    private Process? _process;
    private string _aws = "aws";

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
        var motoServer = ChildEnvironment.FindOnPath("moto_server");
        var aws = ChildEnvironment.FindOnPath("aws");
        List<string> missing = [];
        if (motoServer is null)
        {
            missing.Add("moto_server not found (pip install 'moto[server]')");
        }

        if (aws is null)
        {
            missing.Add("aws not found (the AWS CLI: pip install awscli)");
        }

        if (missing.Count > 0)
        {
            Unavailable = $"the CloudWatch Logs tests against moto need moto_server and the AWS CLI on PATH: {string.Join("; ", missing)}";
            return;
        }

        _aws = aws!;
        var port = ChildEnvironment.FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo(motoServer!, ["-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {motoServer}");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await ChildEnvironment.WaitUntilListeningAsync(_process, port, TimeSpan.FromSeconds(30), () => motoServer!);

        await AwsAsync("kinesis", "create-stream", "--stream-name", StreamName, "--shard-count", "1");
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
                await AwsAsync("logs", "create-log-group", "--log-group-name", name);
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
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private async Task<string> AwsAsync(params string[] args)
    {
        var info = new ProcessStartInfo(_aws, [$"--endpoint-url={Endpoint}", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in MotoServer.AwsEnvironment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {_aws}");
        var output = process.StandardOutput.ReadToEndAsync(); // both at once: a full stderr pipe must not stall aws
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"aws {string.Join(' ', args.Take(2))} failed: {await error}");
    }
}
