using System.Collections.Concurrent;

namespace LokiShipper.Tests.Support;

/// <summary>
/// An <see cref="HttpMessageHandler"/> that answers from a script and records when (on the injected clock) each
/// request arrived. After the script, it answers 204.
/// </summary>
public sealed class ScriptedHandler(TimeProvider time) : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly ConcurrentQueue<(DateTimeOffset At, HttpRequestMessage Request, byte[] Body)> _requests = new();

    public IReadOnlyList<(DateTimeOffset At, HttpRequestMessage Request, byte[] Body)> Requests => [.. _requests];

    public ScriptedHandler Then(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> step)
    {
        _script.Enqueue(step);
        return this;
    }

    public ScriptedHandler ThenStatus(int status, string body = "", TimeSpan? retryAfter = null) => Then((_, _) =>
    {
        var response = new HttpResponseMessage((System.Net.HttpStatusCode)status) { Content = new StringContent(body) };
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(wait);
        }

        return Task.FromResult(response);
    });

    /// <summary>An attempt that never answers (until its cancellation token fires).</summary>
    public ScriptedHandler ThenHang() => Then(async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    });

    public ScriptedHandler ThenThrow(Exception exception) => Then((_, _) => Task.FromException<HttpResponseMessage>(exception));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        _requests.Enqueue((time.GetUtcNow(), request, body));
        if (_script.TryDequeue(out var step))
        {
            return await step(request, cancellationToken);
        }

        return new HttpResponseMessage(System.Net.HttpStatusCode.NoContent);
    }
}
