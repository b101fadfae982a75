using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LokiShipper.Onboarding.CloudWatchLogs;

/// <summary>
/// The few CloudWatch Logs API calls onboarding needs, over the JSON 1.1 protocol (<c>POST /</c>,
/// <c>X-Amz-Target: Logs_20140328.&lt;Operation&gt;</c>), signed with SigV4 using AWSSDK.Core's signer and credentials.
/// </summary>
/// <remarks>
/// Written by hand because AWSSDK.CloudWatchLogs is not served by the package feed this project builds from;
/// AWSSDK.Core (already here through the S3, SQS and SSM clients) provides the credential chain and the signing.
/// Throttling and 5xx answers, network errors and per-attempt timeouts are retried with exponential backoff and jitter
/// on the injected <see cref="TimeProvider"/>, up to a bounded number of attempts; every other refusal fails at once
/// as a <see cref="CloudWatchLogsException"/>.
/// </remarks>
internal sealed class CloudWatchLogsClient : ICloudWatchLogs, IDisposable
{
    public const int DefaultMaxAttempts = 5;
    private const string Service = "logs";
    private const string TargetPrefix = "Logs_20140328.";
    private const string ContentType = "application/x-amz-json-1.1";

    private readonly HttpClient _client;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly AWSCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<CloudWatchLogsAnswer> _pipeline;

    /// <param name="handler">The HTTP handler; not disposed with the client.</param>
    /// <param name="endpoint">The service endpoint, e.g. <c>https://logs.eu-west-1.amazonaws.com</c>.</param>
    /// <param name="region">The signing region.</param>
    /// <param name="credentials">The credentials; asked for their current value on every attempt, so refreshing ones refresh.</param>
    /// <param name="time">The clock for signing, retry delays and per-attempt timeouts.</param>
    /// <param name="maxAttempts">Requests per call at most, the first included.</param>
    /// <param name="baseDelay">The first retry's delay before jitter (default 200 ms); it doubles per retry, up to 20 s.</param>
    /// <param name="attemptTimeout">How long one request may take (default 20 s).</param>
    public CloudWatchLogsClient(
        HttpMessageHandler handler,
        Uri endpoint,
        string region,
        AWSCredentials credentials,
        TimeProvider time,
        int maxAttempts = DefaultMaxAttempts,
        TimeSpan? baseDelay = null,
        TimeSpan? attemptTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        _endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _region = region;
        _credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _client = new HttpClient(handler, disposeHandler: false)
        {
            // Per-attempt timeouts are Polly's, on the injected clock.
            Timeout = Timeout.InfiniteTimeSpan,
        };

        var first = baseDelay ?? TimeSpan.FromMilliseconds(200);
        var builder = new ResiliencePipelineBuilder<CloudWatchLogsAnswer> { TimeProvider = time };
        if (maxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<CloudWatchLogsAnswer>
            {
                MaxRetryAttempts = maxAttempts - 1,
                ShouldHandle = new PredicateBuilder<CloudWatchLogsAnswer>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(static answer => answer.IsRetryable),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Backoff(first, args.AttemptNumber)),
            });
        }

        _pipeline = builder
            .AddTimeout(attemptTimeout ?? TimeSpan.FromSeconds(20))
            .Build();
    }

    /// <summary>
    /// A client for the Lambda's own account and region: region from <c>AWS_REGION</c> (or <c>AWS_DEFAULT_REGION</c>),
    /// endpoint from <c>AWS_ENDPOINT_URL_LOGS</c>, <c>AWS_ENDPOINT_URL</c> or the region, credentials from the
    /// SDK's default chain (environment, profile, container, instance).
    /// </summary>
    public static CloudWatchLogsClient FromEnvironment(HttpMessageHandler handler, TimeProvider time, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var region = ResolveRegion(environment);
        var credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        return new CloudWatchLogsClient(handler, ResolveEndpoint(region, environment), region, credentials, time);
    }

    /// <summary><c>AWS_REGION</c>, as Lambda sets it, else <c>AWS_DEFAULT_REGION</c>.</summary>
    public static string ResolveRegion(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var region = environment("AWS_REGION");
        if (string.IsNullOrWhiteSpace(region))
        {
            region = environment("AWS_DEFAULT_REGION");
        }

        return string.IsNullOrWhiteSpace(region)
            ? throw new InvalidOperationException("the CloudWatch Logs client needs a region: set AWS_REGION")
            : region.Trim();
    }

    /// <summary>The service-specific override, then the global one (as the AWS SDKs read them), then the regional endpoint.</summary>
    public static Uri ResolveEndpoint(string region, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var name in (string[])["AWS_ENDPOINT_URL_LOGS", "AWS_ENDPOINT_URL"])
        {
            var value = environment(name);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                    ? uri
                    : throw new InvalidOperationException($"{name} is not an http(s) URL: '{value}'");
            }
        }

        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://logs.{region}.{suffix}");
    }

    /// <summary>Every log group whose name starts with <paramref name="prefix"/> (all of them when null), all pages.</summary>
    public async Task<IReadOnlyList<LogGroupInfo>> DescribeLogGroupsAsync(string? prefix, CancellationToken cancellationToken = default)
    {
        var groups = new List<LogGroupInfo>();
        string? token = null;
        do
        {
            var page = token;
            var body = Json(writer =>
            {
                if (!string.IsNullOrEmpty(prefix))
                {
                    writer.WriteString("logGroupNamePrefix", prefix);
                }

                if (page is not null)
                {
                    writer.WriteString("nextToken", page);
                }
            });
            var answer = await CallAsync("DescribeLogGroups", null, body, cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(answer);
            var root = document.RootElement;
            if (root.TryGetProperty("logGroups", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var group in list.EnumerateArray())
                {
                    groups.Add(new LogGroupInfo(
                        String(group, "logGroupName") ?? "",
                        String(group, "arn") ?? "",
                        group.TryGetProperty("retentionInDays", out var days) && days.ValueKind == JsonValueKind.Number ? days.GetInt32() : null));
                }
            }

            token = NextToken(root, token, "DescribeLogGroups", null);
        }
        while (token is not null);

        return groups;
    }

    /// <summary>The subscription filters of <paramref name="logGroup"/>, all pages.</summary>
    public async Task<IReadOnlyList<SubscriptionFilterInfo>> DescribeSubscriptionFiltersAsync(string logGroup, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(logGroup);
        var filters = new List<SubscriptionFilterInfo>();
        string? token = null;
        do
        {
            var page = token;
            var body = Json(writer =>
            {
                writer.WriteString("logGroupName", logGroup);
                if (page is not null)
                {
                    writer.WriteString("nextToken", page);
                }
            });
            var answer = await CallAsync("DescribeSubscriptionFilters", logGroup, body, cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(answer);
            var root = document.RootElement;
            if (root.TryGetProperty("subscriptionFilters", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var filter in list.EnumerateArray())
                {
                    filters.Add(new SubscriptionFilterInfo(
                        String(filter, "filterName") ?? "",
                        String(filter, "destinationArn") ?? "",
                        String(filter, "filterPattern") ?? "",
                        String(filter, "roleArn") is { Length: > 0 } role ? role : null));
                }
            }

            token = NextToken(root, token, "DescribeSubscriptionFilters", logGroup);
        }
        while (token is not null);

        return filters;
    }

    /// <summary>Creates or replaces the subscription filter <paramref name="filterName"/> of <paramref name="logGroup"/>.</summary>
    public async Task PutSubscriptionFilterAsync(string logGroup, string filterName, string filterPattern, string destinationArn, string? roleArn = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(logGroup);
        ArgumentException.ThrowIfNullOrEmpty(filterName);
        ArgumentNullException.ThrowIfNull(filterPattern);
        ArgumentException.ThrowIfNullOrEmpty(destinationArn);
        var body = Json(writer =>
        {
            writer.WriteString("logGroupName", logGroup);
            writer.WriteString("filterName", filterName);
            writer.WriteString("filterPattern", filterPattern);
            writer.WriteString("destinationArn", destinationArn);
            if (!string.IsNullOrEmpty(roleArn))
            {
                writer.WriteString("roleArn", roleArn);
            }
        });
        await CallAsync("PutSubscriptionFilter", logGroup, body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the subscription filter <paramref name="filterName"/> of <paramref name="logGroup"/>.</summary>
    public async Task DeleteSubscriptionFilterAsync(string logGroup, string filterName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(logGroup);
        ArgumentException.ThrowIfNullOrEmpty(filterName);
        var body = Json(writer =>
        {
            writer.WriteString("logGroupName", logGroup);
            writer.WriteString("filterName", filterName);
        });
        await CallAsync("DeleteSubscriptionFilter", logGroup, body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keeps the events of <paramref name="logGroup"/> for <paramref name="days"/> (one of the values the API accepts).</summary>
    public async Task PutRetentionPolicyAsync(string logGroup, int days, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(logGroup);
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var body = Json(writer =>
        {
            writer.WriteString("logGroupName", logGroup);
            writer.WriteNumber("retentionInDays", days);
        });
        await CallAsync("PutRetentionPolicy", logGroup, body, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// Exponential backoff with ±25 % jitter: spreads callers that were throttled together, while each wait stays
    /// longer than the one before it (0.75 × 2 &gt; 1.25), up to 20 s.
    /// </summary>
    private static TimeSpan Backoff(TimeSpan first, int retry)
    {
        var exponential = first.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 16));
#pragma warning disable CA5394 // jitter, not security
        var jittered = exponential * (0.75 + (0.5 * Random.Shared.NextDouble()));
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(Math.Min(jittered, 20_000));
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The next page's token, or null at the end; a service that hands back the same token again would loop forever.</summary>
    private static string? NextToken(JsonElement root, string? previous, string operation, string? logGroup)
    {
        var next = String(root, "nextToken");
        if (string.IsNullOrEmpty(next))
        {
            return null;
        }

        return next == previous
            ? throw new CloudWatchLogsException(operation, logGroup, "RepeatedNextToken", "the service returned the same nextToken twice", System.Net.HttpStatusCode.OK, 1)
            : next;
    }

    /// <summary>Sends one operation (retried as the pipeline says) and returns the body of its 2xx answer.</summary>
    private async Task<byte[]> CallAsync(string operation, string? logGroup, byte[] body, CancellationToken cancellationToken)
    {
        var attempts = new StrongBox<int>();
        CloudWatchLogsAnswer answer;
        try
        {
            answer = await _pipeline.ExecuteAsync(
                async (ct) =>
                {
                    attempts.Value++;
                    return await SendAsync(operation, body, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new CloudWatchLogsException(operation, logGroup, "Timeout", "no answer in time", null, attempts.Value, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new CloudWatchLogsException(operation, logGroup, "NetworkError", ex.Message, null, attempts.Value, ex);
        }

        return answer.IsSuccess
            ? answer.Body
            : throw new CloudWatchLogsException(operation, logGroup, answer.ErrorCode ?? "Unknown", answer.ErrorMessage, answer.Status, attempts.Value);
    }

    private async Task<CloudWatchLogsAnswer> SendAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + operation);
        var credentials = await _credentials.GetCredentialsAsync().ConfigureAwait(false);
        SigV4.Sign(request, body, credentials, _region, Service, _time.GetUtcNow().UtcDateTime);

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
        if (response.IsSuccessStatusCode && bytes.Length == 0)
        {
            // PutSubscriptionFilter and friends answer with an empty body (moto) or "{}" (AWS); callers parse neither.
            bytes = "{}"u8.ToArray();
        }

        return CloudWatchLogsAnswer.From(response.StatusCode, bytes, errorType);
    }
}
