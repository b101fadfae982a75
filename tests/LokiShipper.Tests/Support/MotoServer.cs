using System.Diagnostics;

namespace LokiShipper.Tests.Support;

/// <summary>
/// moto, the AWS API emulator, on 127.0.0.1 (started by the fixture, stopped with it), with a Secrets Manager secret
/// and an SSM SecureString parameter created through the AWS CLI, as a user would.
/// </summary>
/// <remarks>
/// Without <c>moto_server</c> or <c>aws</c> on PATH the fixture starts nothing and records why in
/// <see cref="Unavailable"/>; every test that uses it begins with <see cref="SkipIfUnavailable"/>, which skips the test
/// with that reason, or fails it under <c>LOKISHIPPER_REQUIRE_SERVICES=1</c> (CI), as the real-Loki tests do.
/// </remarks>
public sealed class MotoServer : IAsyncLifetime
{
    public const string Region = "eu-west-1";
    public const string SecretName = "lokishipper/loki-password";
    public const string SecretValue = "pw-from-secrets-manager-7Qx";
    public const string ParameterName = "/lokishipper/loki-username";
    public const string ParameterValue = "user-from-ssm-4Kd";
    public const string TokenParameterName = "/lokishipper/loki-token";
    public const string TokenValue = "token-from-ssm-9Zr";

    private Process? _process;
    private string _aws = "aws";

    public Uri Endpoint { get; private set; } = null!;
    public string SecretArn { get; private set; } = null!;
    public string ParameterArn => $"arn:aws:ssm:{Region}:123456789012:parameter{ParameterName}";
    public string TokenParameterArn => $"arn:aws:ssm:{Region}:123456789012:parameter{TokenParameterName}";

    /// <summary>Why moto could not be set up (which program is missing from PATH and how to install it), or null.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>Credentials moto accepts; also what child processes get in their environment.</summary>
    public static readonly IReadOnlyDictionary<string, string> AwsEnvironment = new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_REGION"] = Region,
    };

    /// <summary>
    /// Skips the calling test (a <c>[SkippableFact]</c>) when moto is unavailable, or fails it under
    /// <c>LOKISHIPPER_REQUIRE_SERVICES=1</c>; both with <see cref="Unavailable"/>.
    /// </summary>
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
            missing.Add("aws not found (the AWS CLI: pip install awscli, or AWS CLI v2 from https://aws.amazon.com/cli/)");
        }

        if (missing.Count > 0)
        {
            Unavailable = $"the secrets tests against moto need moto_server and the AWS CLI on PATH: {string.Join("; ", missing)}";
            return;
        }

        _aws = aws!;
        var port = ChildEnvironment.FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo(motoServer!, ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
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

        SecretArn = (await Aws("secretsmanager", "create-secret", "--name", SecretName, "--secret-string", SecretValue, "--query", "ARN", "--output", "text")).Trim();
        await Aws("ssm", "put-parameter", "--name", ParameterName, "--type", "SecureString", "--value", ParameterValue);
        await Aws("ssm", "put-parameter", "--name", TokenParameterName, "--type", "SecureString", "--value", TokenValue);
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private async Task<string> Aws(params string[] args)
    {
        var info = new ProcessStartInfo(_aws, [$"--endpoint-url={Endpoint}", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in AwsEnvironment)
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
