using System.IO.Compression;
using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using LokiShipper.Configuration;

namespace LokiShipper.Sources.S3.Reading;

/// <summary>
/// Opens S3 objects with <c>GetObject</c> and hands out the body as it arrives: an object of any size costs one read
/// buffer, never its whole content. One client per region, made on first use and kept (clients hold the HTTP
/// connections worth reusing across invocations).
/// </summary>
internal sealed class AwsS3Objects : IS3Objects, IDisposable
{
    private readonly Func<string?, IAmazonS3> _clientFor;
    private readonly string? _defaultRegion;
    private readonly Dictionary<string, IAmazonS3> _clients = new(StringComparer.Ordinal);
    private readonly Lock _clientsLock = new();

    /// <param name="clientFor">Makes the client for a region (null: the SDK's own region resolution).</param>
    /// <param name="defaultRegion">The region of objects whose notification names none: the function's own.</param>
    public AwsS3Objects(Func<string?, IAmazonS3> clientFor, string? defaultRegion)
    {
        ArgumentNullException.ThrowIfNull(clientFor);
        _clientFor = clientFor;
        _defaultRegion = string.IsNullOrWhiteSpace(defaultRegion) ? null : defaultRegion;
    }

    /// <summary>
    /// As the function runs: the SDK's default credentials, the region in <c>AWS_REGION</c>, and the endpoint in
    /// <c>AWS_ENDPOINT_URL_S3</c> or <c>AWS_ENDPOINT_URL</c> when one is set (see <see cref="ConfiguredEndpoint"/>).
    /// </summary>
    /// <param name="variable">Reads an environment variable (tests pass their own).</param>
    public static AwsS3Objects FromEnvironment(Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        var endpoint = ConfiguredEndpoint(variable);
        return new AwsS3Objects(region => new AmazonS3Client(CreateConfig(region, endpoint)), variable("AWS_REGION"));
    }

    /// <summary>Talks to an explicit endpoint (moto, MinIO, LocalStack) with the given credentials.</summary>
    public static AwsS3Objects ForEndpoint(Uri serviceUrl, AWSCredentials credentials, string defaultRegion) =>
        new(region => new AmazonS3Client(credentials, CreateConfig(region, serviceUrl)), defaultRegion);

    /// <summary>
    /// The endpoint set in the environment: <c>AWS_ENDPOINT_URL_S3</c>, else <c>AWS_ENDPOINT_URL</c>; none when
    /// <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c> is true. The SDK reads the same variables by itself, but then leaves
    /// virtual-hosted addressing on (<c>bucket.127.0.0.1</c>), which moto and MinIO cannot answer: reading them here
    /// lets <see cref="CreateConfig"/> turn on path-style addressing with them.
    /// </summary>
    /// <exception cref="ConfigurationException">The variable set is not an http(s) URL.</exception>
    public static Uri? ConfiguredEndpoint(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (bool.TryParse(variable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), out var ignore) && ignore)
        {
            return null;
        }

        foreach (var name in (ReadOnlySpan<string>)["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"])
        {
            var value = variable(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                throw new ConfigurationException($"{name} must be an http:// or https:// URL, e.g. http://127.0.0.1:9000, not \"{value}\"");
            }

            return endpoint;
        }

        return null;
    }

    /// <summary>The client configuration for <paramref name="region"/>; path-style addressing whenever the endpoint is overridden.</summary>
    public static AmazonS3Config CreateConfig(string? region, Uri? endpoint)
    {
        var config = new AmazonS3Config();
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint.ToString();
            config.ForcePathStyle = true;
            if (region is not null)
            {
                config.AuthenticationRegion = region;
            }
        }
        else if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return config;
    }

    /// <summary><c>s3://bucket/key</c>, with the version asked for: how every message names an object.</summary>
    public static string Describe(S3ObjectRef obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.VersionId is null ? $"s3://{obj.Bucket}/{obj.Key}" : $"s3://{obj.Bucket}/{obj.Key}?versionId={obj.VersionId}";
    }

    public async Task<S3ObjectContent> OpenAsync(S3ObjectRef obj, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var client = ClientFor(obj.Region ?? _defaultRegion);
        var request = new GetObjectRequest { BucketName = obj.Bucket, Key = obj.Key };
        if (obj.VersionId is not null)
        {
            // The version the notification is about, not whatever was written since.
            request.VersionId = obj.VersionId;
        }

        GetObjectResponse? response = null;
        try
        {
            response = await client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            var content = await OpenBodyAsync(response.ResponseStream, Describe(obj), cancellationToken).ConfigureAwait(false);
            var opened = new S3ObjectContent(content.Stream, LastModified(response), response.ContentLength, response.ETag, response.VersionId, content.Gzip, owner: response);
            response = null;
            return opened;
        }
        catch (AmazonServiceException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw MapError(obj, ex);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is IOException or HttpRequestException or AmazonClientException or OperationCanceledException)
        {
            // No answer from S3 (a refused or reset connection, a timeout, no credentials found): worth a retry.
            throw new S3ObjectReadException($"{Describe(obj)}: GetObject failed: {ex.Message}", ex) { ObjectUri = Describe(obj) };
        }
        finally
        {
            response?.Dispose();
        }
    }

    /// <summary>
    /// The exception for S3's error answer: gone (404) is dropped, access denied names the missing permission, anything
    /// else carries S3's code and words. S3's messages do not hold credentials, and none are added.
    /// </summary>
    public static S3ObjectReadException MapError(S3ObjectRef obj, AmazonServiceException error)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(error);
        var uri = Describe(obj);
        var code = string.IsNullOrEmpty(error.ErrorCode) ? null : error.ErrorCode;
        var said = string.IsNullOrWhiteSpace(error.Message) ? "" : $" S3 said: {error.Message}";

        if (code is "NoSuchKey" or "NoSuchVersion" or "NoSuchBucket" || (code is null && error.StatusCode == HttpStatusCode.NotFound))
        {
            var what = code switch
            {
                "NoSuchBucket" => "the bucket no longer exists",
                "NoSuchVersion" => "this version of the object no longer exists",
                _ => "the object no longer exists",
            };
            return new S3ObjectGoneException($"{uri}: {what} ({code ?? "404"}): deleted after the notification, so it is dropped, not retried.{said}", error)
            {
                ObjectUri = uri,
                ErrorCode = code,
            };
        }

        var kms = (code?.StartsWith("KMS", StringComparison.OrdinalIgnoreCase) ?? false) || error.Message.Contains("kms", StringComparison.OrdinalIgnoreCase);
        if (code is "AccessDenied" or "AllAccessDisabled" || (kms && error.StatusCode == HttpStatusCode.Forbidden) || (code is null && error.StatusCode == HttpStatusCode.Forbidden))
        {
            List<string> missing = ["s3:GetObject"];
            if (obj.VersionId is not null)
            {
                missing.Add("s3:GetObjectVersion");
            }

            var resource = $"arn:aws:s3:::{obj.Bucket}/{obj.Key}";
            var needs = $"the function's role needs {string.Join(" and ", missing)} on {resource}";
            if (kms)
            {
                missing.Add("kms:Decrypt");
                needs += ", and kms:Decrypt on the KMS key the object is encrypted with (in the key policy or the role's policy)";
            }

            return new S3AccessDeniedException(
                $"{uri}: access denied ({code ?? "403"}): {needs}. Without s3:ListBucket on the bucket S3 also answers 403 for a key that does not exist.{said}",
                error)
            {
                ObjectUri = uri,
                ErrorCode = code,
                MissingPermissions = missing,
            };
        }

        var status = error.StatusCode == 0 ? "" : $"{(int)error.StatusCode} ";
        return new S3ObjectReadException($"{uri}: GetObject failed: {status}{code ?? "no error code"}.{said}", error)
        {
            ObjectUri = uri,
            ErrorCode = code,
        };
    }

    public void Dispose()
    {
        lock (_clientsLock)
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }

            _clients.Clear();
        }
    }

    /// <summary>
    /// Looks at the first two bytes for the gzip magic (1f 8b): S3 keys and Content-Type say little (<c>.log</c> files
    /// that are gzip, <c>.gz</c> files that are not). GZipStream reads every member of a multi-member file.
    /// </summary>
    private static async Task<(Stream Stream, bool Gzip)> OpenBodyAsync(Stream body, string uri, CancellationToken cancellationToken)
    {
        var magic = new byte[2];
        var peeked = 0;
        while (peeked < magic.Length)
        {
            var read = await body.ReadAsync(magic.AsMemory(peeked), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            peeked += read;
        }

        var gzip = peeked == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        Stream raw = new ObjectBodyStream(body, magic.AsMemory(0, peeked), uri, decompressing: false);
        return gzip
            ? (new ObjectBodyStream(new GZipStream(raw, CompressionMode.Decompress), ReadOnlyMemory<byte>.Empty, uri, decompressing: true), true)
            : (raw, false);
    }

    /// <summary>S3 always sends <c>Last-Modified</c>; a compatible store that does not gets the time of reading instead.</summary>
    private static DateTimeOffset LastModified(GetObjectResponse response) => response.LastModified switch
    {
        { Kind: DateTimeKind.Unspecified } unspecified => new DateTimeOffset(DateTime.SpecifyKind(unspecified, DateTimeKind.Utc)),
        { } modified => new DateTimeOffset(modified).ToUniversalTime(),
        null => DateTimeOffset.UtcNow,
    };

    private IAmazonS3 ClientFor(string? region)
    {
        var key = region ?? "";
        lock (_clientsLock)
        {
            if (!_clients.TryGetValue(key, out var client))
            {
                client = _clientFor(region);
                _clients.Add(key, client);
            }

            return client;
        }
    }
}
