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

    private MotoProcess? _moto;

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
        Unavailable = MotoProcess.Unavailable("S3", needsAwsCli: false);
        if (Unavailable is not null)
        {
            return;
        }

        _moto = await MotoProcess.StartAsync();
        Endpoint = _moto.Endpoint;

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
        if (_moto is not null)
        {
            await _moto.DisposeAsync();
        }
    }
}
