using System.Diagnostics;
using System.Globalization;

namespace LokiShipper.Tests.Support;

/// <summary>
/// moto_server on a free port of 127.0.0.1 (stopped on dispose), and the AWS CLI pointed at it: what every moto
/// fixture starts before it creates its own resources.
/// </summary>
public sealed class MotoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _aws;

    private MotoProcess(Process process, Uri endpoint, string? aws)
    {
        _process = process;
        Endpoint = endpoint;
        _aws = aws;
    }

    public Uri Endpoint { get; }

    /// <summary>
    /// Why these tests cannot run here (what to install), or null: moto_server, and the AWS CLI when
    /// <paramref name="needsAwsCli"/>, must be on PATH.
    /// </summary>
    /// <param name="tests">Names the tests in the message, e.g. "secrets".</param>
    public static string? Unavailable(string tests, bool needsAwsCli)
    {
        List<string> missing = [];
        if (ChildEnvironment.FindOnPath("moto_server") is null)
        {
            missing.Add("moto_server not found (pip install 'moto[server]')");
        }

        if (needsAwsCli && ChildEnvironment.FindOnPath("aws") is null)
        {
            missing.Add("aws not found (the AWS CLI: pip install awscli, or AWS CLI v2 from https://aws.amazon.com/cli/)");
        }

        return missing.Count == 0
            ? null
            : $"the {tests} tests against moto need moto_server{(needsAwsCli ? " and the AWS CLI" : string.Empty)} on PATH: {string.Join("; ", missing)}";
    }

    /// <summary>Starts moto_server (found on PATH: check <see cref="Unavailable"/> first) and waits until it listens.</summary>
    public static async Task<MotoProcess> StartAsync()
    {
        var motoServer = ChildEnvironment.FindOnPath("moto_server") ?? throw new InvalidOperationException("moto_server is not on PATH");
        var port = ChildEnvironment.FreePort();
        var info = new ProcessStartInfo(motoServer, ["-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {motoServer}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ChildEnvironment.WaitUntilListeningAsync(process, port, TimeSpan.FromSeconds(30), () => motoServer);
        return new MotoProcess(process, new Uri($"http://127.0.0.1:{port}"), ChildEnvironment.FindOnPath("aws"));
    }

    /// <summary>Runs the AWS CLI against this moto, as a user would; returns its standard output.</summary>
    public async Task<string> AwsAsync(params string[] args)
    {
        var aws = _aws ?? throw new InvalidOperationException("the AWS CLI (aws) is not on PATH");
        var info = new ProcessStartInfo(aws, [$"--endpoint-url={Endpoint}", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in MotoServer.AwsEnvironment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {aws}");
        var output = process.StandardOutput.ReadToEndAsync(); // both at once: a full stderr pipe must not stall aws
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"aws {string.Join(' ', args.Take(2))} failed: {await error}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
