using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
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
    public const string RoleArn = "arn:aws:iam::123456789012:role/cwl-to-kinesis";

    /// <summary>Where custom resource answers are PUT, as CloudFormation's pre-signed S3 URLs point into its own bucket.</summary>
    public const string ResponseBucket = "cfn-responses";

    private readonly SocketsHttpHandler _handler = new();
    private MotoProcess? _moto;

    public Uri Endpoint { get; private set; } = null!;

    public const string StreamArnValue = $"arn:aws:kinesis:{Region}:123456789012:stream/{StreamName}";

    public string StreamArn => StreamArnValue;

    /// <summary>Why moto could not be started, or null.</summary>
    public string? Unavailable { get; private set; }

    private AmazonS3Client? _s3;

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
        _s3 = new AmazonS3Client(Credentials, new AmazonS3Config { ServiceURL = Endpoint.ToString(), AuthenticationRegion = Region, ForcePathStyle = true });
        await _s3.PutBucketAsync(new PutBucketRequest { BucketName = ResponseBucket, BucketRegion = new S3Region(Region) });
    }

    /// <summary>A pre-signed PUT URL for <paramref name="key"/>, like the <c>ResponseURL</c> CloudFormation sends.</summary>
    public string ResponseUrl(string key) => _s3!.GetPreSignedURL(new GetPreSignedUrlRequest
    {
        BucketName = ResponseBucket,
        Key = key,
        Verb = HttpVerb.PUT,
        Expires = DateTime.UtcNow.AddHours(2),
        Protocol = Protocol.HTTP,
    });

    /// <summary>The answer PUT to <paramref name="key"/>, as CloudFormation reads it.</summary>
    public async Task<string> ReadResponseAsync(string key)
    {
        using var answer = await _s3!.GetObjectAsync(ResponseBucket, key);
        using var reader = new StreamReader(answer.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Runs the AWS CLI against this moto.</summary>
    public Task<string> AwsAsync(params string[] arguments) => _moto!.AwsAsync(arguments);

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
        _s3?.Dispose();
        _handler.Dispose();
        if (_moto is not null)
        {
            await _moto.DisposeAsync();
        }
    }
}
