using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Sources.S3.Reading;

/// <summary>
/// moto's S3 on 127.0.0.1, started as <see cref="MotoServer"/> starts it, without the secrets and parameters that one
/// creates (and so without needing the AWS CLI): the tests create their buckets and objects with the SDK.
/// </summary>
/// <remarks>
/// Without <c>moto_server</c> on PATH nothing starts and <see cref="SkipIfUnavailable"/> skips each test, or fails it
/// under <c>LOKISHIPPER_REQUIRE_SERVICES=1</c> (CI), as the other moto tests do.
/// </remarks>
public sealed class MotoS3 : IAsyncLifetime
{
    public const string Region = MotoServer.Region;

    private Process? _process;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Why moto could not be started, or null.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>What moto accepts; never a real key.</summary>
    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("testing", "testing");

    /// <summary>A client for setting up buckets and objects (path-style: moto on an IP address has no bucket host names).</summary>
    public AmazonS3Client Client { get; private set; } = null!;

    public void SkipIfUnavailable()
    {
        RealLokis.Fail(Unavailable is not null, Unavailable!);
        Skip.If(Unavailable is not null, Unavailable);
    }

    public async Task InitializeAsync()
    {
        var motoServer = ChildEnvironment.FindOnPath("moto_server");
        if (motoServer is null)
        {
            Unavailable = "the S3 tests against moto need moto_server on PATH: moto_server not found (pip install 'moto[server]')";
            return;
        }

        var port = ChildEnvironment.FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo(motoServer, ["-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)])
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
        await ChildEnvironment.WaitUntilListeningAsync(_process, port, TimeSpan.FromSeconds(30), () => motoServer);

        Client = new AmazonS3Client(Credentials, new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            AuthenticationRegion = Region,
            ForcePathStyle = true,
        });
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }
}
