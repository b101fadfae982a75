using System.Buffers;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LokiShipper.Onboarding.CustomResources;

/// <summary>
/// PUTs the answer to a custom resource request to its pre-signed <c>ResponseURL</c>, as CloudFormation's response
/// protocol asks: a JSON body of at most 4,096 bytes and no <c>Content-Type</c> (the URL is signed without one).
/// Network errors and 5xx answers are retried a few times; the URL itself never appears in an error (its query is
/// a signature).
/// </summary>
internal sealed class CustomResourceResponder : IDisposable
{
    /// <summary>The most CloudFormation reads of an answer.</summary>
    public const int MaxBodyBytes = 4096;

    private readonly HttpClient _client;
    private readonly ResiliencePipeline<ResponsePutStatus> _pipeline;

    /// <param name="handler">The HTTP handler; not disposed with the responder.</param>
    /// <param name="time">The clock for retry delays and timeouts.</param>
    /// <param name="baseDelay">The first retry's delay (default 1 s), doubling.</param>
    public CustomResourceResponder(HttpMessageHandler handler, TimeProvider time, TimeSpan? baseDelay = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(time);
        _client = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        _pipeline = new ResiliencePipelineBuilder<ResponsePutStatus> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<ResponsePutStatus>
            {
                MaxRetryAttempts = 3,
                Delay = baseDelay ?? TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Exponential,
                ShouldHandle = new PredicateBuilder<ResponsePutStatus>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(static answer => answer.Status >= 500),
            })
            .AddTimeout(TimeSpan.FromSeconds(10))
            .Build();
    }

    /// <summary>The JSON body CloudFormation reads, with the reason cut so that the whole fits in <see cref="MaxBodyBytes"/>.</summary>
    public static byte[] Body(CustomResourceRequest request, CustomResourceResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var reason = response.Reason;
        while (true)
        {
            var body = Write(request, response, reason);
            if (body.Length <= MaxBodyBytes || reason.Length == 0)
            {
                return body;
            }

            var excess = body.Length - MaxBodyBytes;
            reason = reason[..Math.Max(0, reason.Length - excess - 16)] + " [cut]";
        }
    }

    /// <exception cref="InvalidOperationException">The answer could not be delivered; Lambda's retry will run the request again.</exception>
    public async Task SendAsync(CustomResourceRequest request, CustomResourceResponse response, CancellationToken cancellationToken)
    {
        var body = Body(request, response);
        var answer = await _pipeline.ExecuteAsync(
            async ct =>
            {
                using var message = new HttpRequestMessage(HttpMethod.Put, request.ResponseUrl) { Content = new ByteArrayContent(body) };
                using var sent = await _client.SendAsync(message, ct).ConfigureAwait(false);
                return new ResponsePutStatus((int)sent.StatusCode);
            },
            cancellationToken).ConfigureAwait(false);
        if (answer.Status is < 200 or >= 300)
        {
            throw new InvalidOperationException(
                $"CloudFormation's response URL ({request.ResponseUrl.GetLeftPart(UriPartial.Path)}) refused the answer to {request.LogicalResourceId} with HTTP {answer.Status}");
        }
    }

    public void Dispose() => _client.Dispose();

    private static byte[] Write(CustomResourceRequest request, CustomResourceResponse response, string reason)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("Status", response.Success ? "SUCCESS" : "FAILED");
            writer.WriteString("Reason", reason);
            writer.WriteString("PhysicalResourceId", response.PhysicalResourceId);
            writer.WriteString("StackId", request.StackId);
            writer.WriteString("RequestId", request.RequestId);
            writer.WriteString("LogicalResourceId", request.LogicalResourceId);
            writer.WriteBoolean("NoEcho", false);
            writer.WriteStartObject("Data");
            foreach (var (key, value) in response.Data)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
