using System.IO.Compression;
using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using LokiShipper.Configuration;
using LokiShipper.Sources.S3;
using LokiShipper.Sources.S3.Reading;
using Moq;

namespace LokiShipper.Tests.Sources.S3.Reading;

/// <summary>
/// The real AWS SDK against moto's S3: objects are read as they are stored (plain, gzip, multi-member gzip, whatever
/// their names say), in the version asked for, and a missing object is told apart from other failures. Each test
/// skips without moto_server on PATH (fails instead under <c>LOKISHIPPER_REQUIRE_SERVICES=1</c>).
/// </summary>
public sealed class AwsS3ObjectsTests : IClassFixture<MotoS3>
{
    private readonly MotoS3 _moto;

    public AwsS3ObjectsTests(MotoS3 moto)
    {
        _moto = moto;
    }

    private AwsS3Objects Objects() => AwsS3Objects.ForEndpoint(_moto.Endpoint, MotoS3.Credentials, MotoS3.Region);

    private async Task<string> NewBucket(bool versioned = false)
    {
        var bucket = $"logs-{Guid.NewGuid():N}"[..30];
        await _moto.Client.PutBucketAsync(new PutBucketRequest { BucketName = bucket, BucketRegion = new S3Region(MotoS3.Region) });
        if (versioned)
        {
            await _moto.Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
        }

        return bucket;
    }

    private async Task<PutObjectResponse> Put(string bucket, string key, byte[] content) =>
        await _moto.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(content) });

    private static byte[] Gzip(params string[] members)
    {
        // Each part its own gzip member, concatenated, as log writers that append to a .gz file produce.
        var output = new MemoryStream();
        foreach (var member in members)
        {
            using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
            gzip.Write(Encoding.UTF8.GetBytes(member));
        }

        return output.ToArray();
    }

    private static async Task<List<string>> ReadLines(S3ObjectContent content, int maxLineBytes = 256 * 1024)
    {
        using var lines = new LineSplitter(content.Content, maxLineBytes);
        List<string> result = [];
        while (await lines.ReadLineAsync())
        {
            result.Add(Encoding.UTF8.GetString(lines.Current.Utf8.Span));
        }

        return result;
    }

    [SkippableFact]
    public async Task A_plain_object_reads_as_its_exact_lines_with_S3s_last_modified_size_and_etag()
    {
        _moto.SkipIfUnavailable();
        var bucket = await NewBucket();
        var body = Encoding.UTF8.GetBytes("line one\nline two, café €\r\n\nline three without newline");
        var before = DateTimeOffset.UtcNow;
        var put = await Put(bucket, "app/plain.log", body);
        var after = DateTimeOffset.UtcNow;
        var head = await _moto.Client.GetObjectMetadataAsync(bucket, "app/plain.log");
        using var objects = Objects();

        await using var content = await objects.OpenAsync(new S3ObjectRef(bucket, "app/plain.log"), CancellationToken.None);

        Assert.Equal(["line one", "line two, café €", "line three without newline"], await ReadLines(content));
        Assert.False(content.Gzip);
        Assert.Equal(body.Length, content.ContentLength);
        Assert.Equal(put.ETag, content.ETag);
        Assert.Equal(TimeSpan.Zero, content.LastModified.Offset);
        Assert.Equal(new DateTimeOffset(head.LastModified!.Value.ToUniversalTime()), content.LastModified);
        Assert.InRange(content.LastModified, before.AddSeconds(-2), after.AddSeconds(2)); // Last-Modified is to the second
    }

    [SkippableFact]
    public async Task A_gzip_object_named_log_is_decompressed_by_its_magic_bytes()
    {
        _moto.SkipIfUnavailable();
        var bucket = await NewBucket();
        await Put(bucket, "app/2024/06/01/compressed.log", Gzip("gz one\ngz two\n"));
        using var objects = Objects();

        await using var content = await objects.OpenAsync(new S3ObjectRef(bucket, "app/2024/06/01/compressed.log", MotoS3.Region), CancellationToken.None);

        Assert.True(content.Gzip);
        Assert.Equal(["gz one", "gz two"], await ReadLines(content));
    }

    [SkippableFact]
    public async Task A_plain_object_named_gz_is_read_as_text()
    {
        _moto.SkipIfUnavailable();
        var bucket = await NewBucket();
        await Put(bucket, "misnamed.log.gz", "not compressed at all\nsecond\n"u8.ToArray());
        using var objects = Objects();

        await using var content = await objects.OpenAsync(new S3ObjectRef(bucket, "misnamed.log.gz"), CancellationToken.None);

        Assert.False(content.Gzip);
        Assert.Equal(["not compressed at all", "second"], await ReadLines(content));
    }

    [SkippableFact]
    public async Task Every_member_of_a_multi_member_gzip_object_is_read()
    {
        _moto.SkipIfUnavailable();
        var bucket = await NewBucket();

        // Members of some size, so their boundaries fall between reads of the network stream, not only in the first buffer.
        var first = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"first member line {i}\n"));
        var second = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"second member line {i}\n"));
        await Put(bucket, "multi.gz", Gzip(first, second, "third member, last line"));
        using var objects = Objects();

        await using var content = await objects.OpenAsync(new S3ObjectRef(bucket, "multi.gz"), CancellationToken.None);
        var lines = await ReadLines(content);

        Assert.True(content.Gzip);
        Assert.Equal(40_001, lines.Count);
        Assert.Equal("first member line 0", lines[0]);
        Assert.Equal("first member line 19999", lines[19_999]);
        Assert.Equal("second member line 0", lines[20_000]);
        Assert.Equal("third member, last line", lines[^1]);
    }

    [SkippableFact]
    public async Task A_key_with_spaces_and_equals_signs_is_read_as_named()
    {
        _moto.SkipIfUnavailable();
        var bucket = await NewBucket();
        const string key = "logs/dt=2024-06-01/hour=07/my app log=1 (copy).txt";
        await Put(bucket, key, "spaced out\n"u8.ToArray());
        using var objects = Objects();

        await using var content = await objects.OpenAsync(new S3ObjectRef(bucket, key), CancellationToken.None);

        Assert.Equal(["spaced out"], await ReadLines(content));
    }

    [SkippableFact]
    public async Task An_empty_object_has_no_lines()
    {
        _moto.SkipIfUnavailable();
        var bucket = await NewBucket();
        await Put(bucket, "empty.log", []);
        using var objects = Objects();

        await using var content = await objects.OpenAsync(new S3ObjectRef(bucket, "empty.log"), CancellationToken.None);

        Assert.False(content.Gzip);
        Assert.Empty(await ReadLines(content));
    }

    [SkippableFact]
    public async Task A_versioned_bucket_gives_the_version_asked_for_not_the_latest()
    {
        _moto.SkipIfUnavailable();
        var bucket = await NewBucket(versioned: true);
        var first = await Put(bucket, "app.log", "version one\n"u8.ToArray());
        var second = await Put(bucket, "app.log", "version two\n"u8.ToArray());
        Assert.NotEqual(first.VersionId, second.VersionId);
        using var objects = Objects();

        await using (var older = await objects.OpenAsync(new S3ObjectRef(bucket, "app.log", VersionId: first.VersionId), CancellationToken.None))
        {
            Assert.Equal(["version one"], await ReadLines(older));
            Assert.Equal(first.VersionId, older.VersionId);
        }

        await using var latest = await objects.OpenAsync(new S3ObjectRef(bucket, "app.log"), CancellationToken.None);
        Assert.Equal(["version two"], await ReadLines(latest));
        Assert.Equal(second.VersionId, latest.VersionId);
    }

    [SkippableFact]
    public async Task A_missing_key_is_gone_and_named()
    {
        _moto.SkipIfUnavailable();
        var bucket = await NewBucket();
        using var objects = Objects();

        var gone = await Assert.ThrowsAsync<S3ObjectGoneException>(() => objects.OpenAsync(new S3ObjectRef(bucket, "deleted/before it was read.log"), CancellationToken.None));

        Assert.Equal("NoSuchKey", gone.ErrorCode);
        Assert.StartsWith($"s3://{bucket}/deleted/before it was read.log: the object no longer exists (NoSuchKey)", gone.Message, StringComparison.Ordinal);
        Assert.Contains("dropped, not retried", gone.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_deleted_object_and_a_missing_bucket_are_gone_too()
    {
        _moto.SkipIfUnavailable();
        var bucket = await NewBucket();
        await Put(bucket, "short-lived.log", "x\n"u8.ToArray());
        await _moto.Client.DeleteObjectAsync(bucket, "short-lived.log");
        using var objects = Objects();

        await Assert.ThrowsAsync<S3ObjectGoneException>(() => objects.OpenAsync(new S3ObjectRef(bucket, "short-lived.log"), CancellationToken.None));
        var noBucket = await Assert.ThrowsAsync<S3ObjectGoneException>(() => objects.OpenAsync(new S3ObjectRef(bucket + "-gone", "a.log"), CancellationToken.None));
        Assert.Equal("NoSuchBucket", noBucket.ErrorCode);
        Assert.Contains("the bucket no longer exists", noBucket.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_corrupt_gzip_object_fails_while_reading_with_a_message_naming_it()
    {
        _moto.SkipIfUnavailable();
        var bucket = await NewBucket();
        var corrupt = Gzip(string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i}\n")));
        corrupt[12] ^= 0xFF;
        corrupt[13] ^= 0xFF;
        await Put(bucket, "broken.gz", corrupt);
        using var objects = Objects();

        await using var content = await objects.OpenAsync(new S3ObjectRef(bucket, "broken.gz"), CancellationToken.None);
        var error = await Assert.ThrowsAsync<S3ObjectReadException>(() => ReadLines(content));

        Assert.StartsWith($"s3://{bucket}/broken.gz: the object starts with the gzip magic bytes (1f 8b) but does not decompress", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(error.InnerException);
    }

    [SkippableFact]
    public async Task An_endpoint_by_host_name_works_because_addressing_is_path_style()
    {
        _moto.SkipIfUnavailable();
        var bucket = await NewBucket();
        await Put(bucket, "a.log", "by name\n"u8.ToArray());

        // Virtual-hosted addressing would ask for <bucket>.localhost, which does not resolve.
        using var objects = AwsS3Objects.ForEndpoint(new Uri($"http://localhost:{_moto.Endpoint.Port}"), MotoS3.Credentials, MotoS3.Region);
        await using var content = await objects.OpenAsync(new S3ObjectRef(bucket, "a.log"), CancellationToken.None);

        Assert.Equal(["by name"], await ReadLines(content));
    }

    // Access denied: moto does not enforce IAM without extra setup, so S3's answers are fed in through a fake client.
    private static (AwsS3Objects Objects, Mock<IAmazonS3> Client) Failing(Exception error)
    {
        var client = new Mock<IAmazonS3>();
        client.Setup(c => c.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);
        return (new AwsS3Objects(_ => client.Object, "eu-west-1"), client);
    }

    private static AmazonS3Exception S3Error(string code, string message, HttpStatusCode status) =>
        new(message, ErrorType.Sender, code, "req-1", status);

    [Fact]
    public async Task Access_denied_names_bucket_key_and_the_missing_s3_GetObject_permission()
    {
        var (objects, _) = Failing(S3Error("AccessDenied", "Access Denied", HttpStatusCode.Forbidden));

        var denied = await Assert.ThrowsAsync<S3AccessDeniedException>(() => objects.OpenAsync(new S3ObjectRef("my-logs", "path/to/app.log"), CancellationToken.None));

        Assert.StartsWith("s3://my-logs/path/to/app.log: access denied (AccessDenied): the function's role needs s3:GetObject on arn:aws:s3:::my-logs/path/to/app.log.", denied.Message, StringComparison.Ordinal);
        Assert.Contains("S3 said: Access Denied", denied.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("kms", denied.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["s3:GetObject"], denied.MissingPermissions);
    }

    [Fact]
    public async Task Access_denied_by_KMS_also_names_kms_Decrypt_and_a_version_read_s3_GetObjectVersion()
    {
        var (objects, _) = Failing(S3Error(
            "AccessDenied",
            "User: arn:aws:sts::123456789012:assumed-role/shipper/fn is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext",
            HttpStatusCode.Forbidden));

        var denied = await Assert.ThrowsAsync<S3AccessDeniedException>(() => objects.OpenAsync(new S3ObjectRef("my-logs", "k.log", VersionId: "v7"), CancellationToken.None));

        Assert.StartsWith("s3://my-logs/k.log?versionId=v7: access denied", denied.Message, StringComparison.Ordinal);
        Assert.Contains("s3:GetObject and s3:GetObjectVersion on arn:aws:s3:::my-logs/k.log", denied.Message, StringComparison.Ordinal);
        Assert.Contains("kms:Decrypt on the KMS key the object is encrypted with", denied.Message, StringComparison.Ordinal);
        Assert.Equal(["s3:GetObject", "s3:GetObjectVersion", "kms:Decrypt"], denied.MissingPermissions);
    }

    [Fact]
    public async Task Other_S3_errors_keep_their_code_and_status_and_are_not_taken_for_gone_or_denied()
    {
        var (objects, _) = Failing(S3Error("SlowDown", "Please reduce your request rate.", HttpStatusCode.ServiceUnavailable));

        var error = await Assert.ThrowsAsync<S3ObjectReadException>(() => objects.OpenAsync(new S3ObjectRef("b", "k"), CancellationToken.None));

        Assert.IsType<S3ObjectReadException>(error);
        Assert.Equal("s3://b/k: GetObject failed: 503 SlowDown. S3 said: Please reduce your request rate.", error.Message);
        Assert.Equal("SlowDown", error.ErrorCode);
        Assert.IsType<AmazonS3Exception>(error.InnerException);
    }

    [Fact]
    public async Task A_404_is_gone_and_a_connection_failure_is_a_read_failure_naming_the_object()
    {
        var (gone, _) = Failing(S3Error("NoSuchVersion", "The specified version does not exist.", HttpStatusCode.NotFound));
        var (unreachable, _) = Failing(new HttpRequestException("Connection refused (s3.eu-west-1.amazonaws.com:443)"));

        var version = await Assert.ThrowsAsync<S3ObjectGoneException>(() => gone.OpenAsync(new S3ObjectRef("b", "k", VersionId: "v1"), CancellationToken.None));
        var network = await Assert.ThrowsAsync<S3ObjectReadException>(() => unreachable.OpenAsync(new S3ObjectRef("b", "k"), CancellationToken.None));

        Assert.StartsWith("s3://b/k?versionId=v1: this version of the object no longer exists (NoSuchVersion)", version.Message, StringComparison.Ordinal);
        Assert.Equal("s3://b/k: GetObject failed: Connection refused (s3.eu-west-1.amazonaws.com:443)", network.Message);
    }

    [Fact]
    public async Task A_cancelled_read_is_a_cancellation_not_a_failure()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var (objects, _) = Failing(new OperationCanceledException(cancel.Token));

        await Assert.ThrowsAsync<OperationCanceledException>(() => objects.OpenAsync(new S3ObjectRef("b", "k"), cancel.Token));
    }

    [Fact]
    public async Task The_request_asks_for_the_version_and_clients_are_made_once_per_region()
    {
        var client = new Mock<IAmazonS3>();
        List<GetObjectRequest> requests = [];
        client.Setup(c => c.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .Callback<GetObjectRequest, CancellationToken>((request, _) => requests.Add(request))
            .ReturnsAsync(() => new GetObjectResponse { ResponseStream = new MemoryStream("x\n"u8.ToArray()), LastModified = new DateTime(2024, 6, 1, 7, 0, 0, DateTimeKind.Utc) });
        List<string?> made = [];
        using var objects = new AwsS3Objects(region => { made.Add(region); return client.Object; }, "eu-west-1");

        foreach (var obj in (S3ObjectRef[])[new("b", "k1"), new("b", "k2", "us-east-2"), new("b", "k3", VersionId: "v3"), new("b", "k4", "us-east-2")])
        {
            await using var content = await objects.OpenAsync(obj, CancellationToken.None);
            Assert.Equal(new DateTimeOffset(2024, 6, 1, 7, 0, 0, TimeSpan.Zero), content.LastModified);
        }

        Assert.Equal(["eu-west-1", "us-east-2"], made);
        Assert.Equal([null, null, "v3", null], requests.Select(r => r.VersionId));
        Assert.Equal(["k1", "k2", "k3", "k4"], requests.Select(r => r.Key));
    }

    [Fact]
    public void The_endpoint_comes_from_AWS_ENDPOINT_URL_S3_else_AWS_ENDPOINT_URL_unless_endpoints_are_ignored()
    {
        static Uri? Endpoint(params (string Name, string Value)[] variables) =>
            AwsS3Objects.ConfiguredEndpoint(name => variables.FirstOrDefault(v => v.Name == name).Value);

        Assert.Null(Endpoint());
        Assert.Equal(new Uri("http://127.0.0.1:9000"), Endpoint(("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")));
        Assert.Equal(new Uri("http://minio:9000"), Endpoint(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"), ("AWS_ENDPOINT_URL_S3", "http://minio:9000")));
        Assert.Null(Endpoint(("AWS_ENDPOINT_URL_S3", "http://minio:9000"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")));
        var invalid = Assert.Throws<ConfigurationException>(() => Endpoint(("AWS_ENDPOINT_URL_S3", "minio:9000")));
        Assert.Equal(["AWS_ENDPOINT_URL_S3 must be an http:// or https:// URL, e.g. http://127.0.0.1:9000, not \"minio:9000\""], invalid.Problems);
    }

    [Fact]
    public void An_overridden_endpoint_gets_path_style_addressing_and_AWS_the_region_endpoint()
    {
        var local = AwsS3Objects.CreateConfig("eu-west-1", new Uri("http://minio:9000"));
        var aws = AwsS3Objects.CreateConfig("eu-central-1", null);

        Assert.True(local.ForcePathStyle);
        Assert.Equal("http://minio:9000/", local.ServiceURL);
        Assert.Equal("eu-west-1", local.AuthenticationRegion);
        Assert.False(aws.ForcePathStyle);
        Assert.Null(aws.ServiceURL);
        Assert.Equal("eu-central-1", aws.RegionEndpoint.SystemName);
    }
}
