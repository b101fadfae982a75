using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace LokiShipper.Runtime;

/// <summary>The Lambda Runtime API, version 2018-06-01 (see README.md in this folder for why it is ours).</summary>
internal sealed class LambdaRuntimeClient
{
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    private readonly HttpClient _http;
    private readonly Uri _base;

    /// <param name="http">A client without timeout: <c>next</c> blocks until an event arrives.</param>
    /// <param name="runtimeApi">The value of <c>AWS_LAMBDA_RUNTIME_API</c>, <c>host:port</c>.</param>
    public LambdaRuntimeClient(HttpClient http, string runtimeApi)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeApi);
        _base = new Uri($"http://{runtimeApi}/2018-06-01/runtime/");
    }

    public async Task<Invocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(_base, "invocation/next"), HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new InvalidOperationException("the Runtime API sent an event without Lambda-Runtime-Aws-Request-Id");
        var deadlineMs = Header(response, "Lambda-Runtime-Deadline-Ms");
        var deadline = long.TryParse(deadlineMs, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : throw new InvalidOperationException($"the Runtime API sent Lambda-Runtime-Deadline-Ms '{deadlineMs}', not epoch milliseconds");
        var traceId = Header(response, "Lambda-Runtime-Trace-Id");
        Environment.SetEnvironmentVariable(TraceIdVariable, traceId);
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new Invocation(payload, new InvocationContext(requestId, deadline, Header(response, "Lambda-Runtime-Invoked-Function-Arn"), traceId));
    }

    public async Task SendResponseAsync(string requestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(response);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await PostAsync($"invocation/{Uri.EscapeDataString(requestId)}/response", content, cancellationToken).ConfigureAwait(false);
    }

    public Task SendErrorAsync(string requestId, string errorType, string errorMessage, CancellationToken cancellationToken) =>
        PostErrorAsync($"invocation/{Uri.EscapeDataString(requestId)}/error", errorType, errorMessage, cancellationToken);

    public Task SendInitErrorAsync(string errorType, string errorMessage, CancellationToken cancellationToken) =>
        PostErrorAsync("init/error", errorType, errorMessage, cancellationToken);

    /// <summary>
    /// Loops: next → handler → response or error, until cancelled. A handler exception becomes an invocation error;
    /// it never ends the loop.
    /// </summary>
    public async Task RunAsync(Func<ReadOnlyMemory<byte>, InvocationContext, CancellationToken, Task<byte[]>> handler, Func<Exception, (string Type, string Message)> describeError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(describeError);
        while (!cancellationToken.IsCancellationRequested)
        {
            var invocation = await NextAsync(cancellationToken).ConfigureAwait(false);
            byte[] response;
            try
            {
                response = await handler(invocation.Payload, invocation.Context, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Any handler failure must be reported to Lambda, never crash the loop.
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                var (type, message) = describeError(ex);
                await SendErrorAsync(invocation.Context.RequestId, type, message, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await SendResponseAsync(invocation.Context.RequestId, response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PostErrorAsync(string path, string errorType, string errorMessage, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorType", errorType);
            writer.WriteString("errorMessage", errorMessage);
            writer.WriteStartArray("stackTrace");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.TryAddWithoutValidation("Lambda-Runtime-Function-Error-Type", errorType);
        await PostAsync(path, content, cancellationToken).ConfigureAwait(false);
    }

    private async Task PostAsync(string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(new Uri(_base, path), content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
