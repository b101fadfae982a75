using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace LokiShipper.Onboarding.CloudWatchLogs;

/// <summary>
/// Signs a JSON-protocol <see cref="HttpRequestMessage"/> (POST, no query string) with Signature Version 4.
/// </summary>
/// <remarks>
/// AWSSDK.Core's <see cref="AWS4Signer.SignRequest(Amazon.Runtime.Internal.IRequest, IClientConfig, Amazon.Runtime.Internal.Util.RequestMetrics, string, string)"/>
/// wants the SDK's own request and client-config objects, which a raw <see cref="HttpRequestMessage"/> does not have.
/// The canonical request of a JSON-protocol call is small enough to build here (one path, no query, four or five
/// headers); the signing key derivation and HMACs stay the SDK's (<see cref="AWS4Signer.ComputeSignature(ImmutableCredentials, string, DateTime, string, string, string)"/>).
/// </remarks>
internal static class SigV4
{
    public const string DateHeader = "X-Amz-Date";
    public const string SecurityTokenHeader = "X-Amz-Security-Token";

    /// <summary>Adds <c>X-Amz-Date</c>, the session token if any, and <c>Authorization</c> to <paramref name="request"/>.</summary>
    /// <param name="request">A POST whose content is <paramref name="body"/>, with its content type and other headers already set.</param>
    /// <param name="body">The exact bytes sent; their SHA-256 is part of the signature.</param>
    /// <param name="credentials">The credentials of this request (a session token is signed too).</param>
    /// <param name="region">The signing region.</param>
    /// <param name="service">The signing name, <c>logs</c>.</param>
    /// <param name="signedAt">The signing time in UTC.</param>
    public static void Sign(HttpRequestMessage request, byte[] body, ImmutableCredentials credentials, string region, string service, DateTime signedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(credentials);
        var uri = request.RequestUri ?? throw new ArgumentException("the request has no URI", nameof(request));

        var amzDate = signedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Remove(DateHeader);
        request.Headers.TryAddWithoutValidation(DateHeader, amzDate);
        request.Headers.Remove(SecurityTokenHeader);
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation(SecurityTokenHeader, credentials.Token);
        }

        // Host, Content-Type and the X-Amz-* headers, lower-cased and sorted by name (ordinal). Headers HttpClient may
        // rewrite or add on the way (User-Agent, Content-Length) stay unsigned, as the AWS SDKs leave them.
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            // Authority leaves out a default port, as the Host header HttpClient sends does.
            ["host"] = uri.Authority,
        };
        foreach (var (name, values) in request.Headers)
        {
            if (name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase))
            {
                headers[name.ToLowerInvariant()] = string.Join(',', values.Select(v => v.Trim()));
            }
        }

        if (request.Content?.Headers.ContentType is { } contentType)
        {
            headers["content-type"] = contentType.ToString();
        }

        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(string.IsNullOrEmpty(uri.AbsolutePath) ? "/" : uri.AbsolutePath).Append('\n')
            .Append('\n'); // no query string in the JSON protocol
        foreach (var (name, value) in headers)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n')
            .Append(signedHeaders).Append('\n')
            .Append(AWSSDKUtils.ToHex(AWS4Signer.ComputeHash(body), true));

        var result = AWS4Signer.ComputeSignature(credentials, region, signedAt, service, signedHeaders, canonical.ToString());
        // ForAuthorizationHeader is the whole value: "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
    }
}
