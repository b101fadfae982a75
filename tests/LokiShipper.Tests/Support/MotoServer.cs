using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LokiShipper.Tests.Support;

/// <summary>
/// moto, the AWS API emulator, on 127.0.0.1 (started by the fixture, stopped with it), with a Secrets Manager secret
/// and an SSM SecureString parameter created through the AWS CLI, as a user would.
/// </summary>
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

    public Uri Endpoint { get; private set; } = null!;
    public string SecretArn { get; private set; } = null!;
    public string ParameterArn => $"arn:aws:ssm:{Region}:123456789012:parameter{ParameterName}";
    public string TokenParameterArn => $"arn:aws:ssm:{Region}:123456789012:parameter{TokenParameterName}";

    /// <summary>Credentials moto accepts; also what child processes get in their environment.</summary>
    public static readonly IReadOnlyDictionary<string, string> AwsEnvironment = new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_REGION"] = Region,
    };

    public async Task InitializeAsync()
    {
        var port = ChildEnvironment.FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            _process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("moto_server is not installed (pip install 'moto[server]'); the secrets tests need it", ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await ChildEnvironment.WaitUntilListeningAsync(_process, port, TimeSpan.FromSeconds(30), () => "moto_server");

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
        var info = new ProcessStartInfo("aws", [$"--endpoint-url={Endpoint}", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in AwsEnvironment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"aws {string.Join(' ', args.Take(2))} failed: {error}");
    }
}
