namespace LokiShipper.Tests.Support;

/// <summary>Wraps the production handler and runs a hook before each attempt (e.g. bring Loki back after N refusals).</summary>
public sealed class CountingHandler(HttpMessageHandler inner, Func<int, Task>? beforeAttempt = null) : DelegatingHandler(inner)
{
    private int _attempts;

    public int Attempts => _attempts;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        if (beforeAttempt is not null)
        {
            await beforeAttempt(attempt);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
