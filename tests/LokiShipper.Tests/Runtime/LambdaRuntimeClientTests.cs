using System.Text;
using System.Text.Json;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Runtime;

public sealed class LambdaRuntimeClientTests : IAsyncLifetime
{
    private FakeRuntimeApi _api = null!;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public async Task InitializeAsync() => _api = await FakeRuntimeApi.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Next_reads_the_event_and_the_invocation_headers()
    {
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_060_123);
        _api.Enqueue("req-42", deadline, Encoding.UTF8.GetBytes("""{"awslogs":{"data":"x"}}"""));
        var client = new LambdaRuntimeClient(_http, _api.Address);

        var invocation = await client.NextAsync(CancellationToken.None);

        Assert.Equal("""{"awslogs":{"data":"x"}}""", Encoding.UTF8.GetString(invocation.Payload));
        Assert.Equal(new InvocationContext("req-42", deadline, FakeRuntimeApi.FunctionArn, FakeRuntimeApi.TraceId), invocation.Context);
        Assert.Equal(FakeRuntimeApi.TraceId, Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID"));
    }

    [Fact]
    public async Task The_loop_posts_the_handlers_response_then_its_error_and_carries_on()
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(1);
        _api.Enqueue("ok-1", deadline, Encoding.UTF8.GetBytes("\"good\""));
        _api.Enqueue("bad-2", deadline, Encoding.UTF8.GetBytes("\"bad\""));
        _api.Enqueue("ok-3", deadline, Encoding.UTF8.GetBytes("\"good\""));
        var client = new LambdaRuntimeClient(_http, _api.Address);
        var seen = new List<InvocationContext>();
        using var stop = new CancellationTokenSource();

        var loop = client.RunAsync(
            (payload, context, _) =>
            {
                seen.Add(context);
                return Encoding.UTF8.GetString(payload.Span) == "\"bad\""
                    ? throw new InvalidOperationException("awslogs.data is not valid base64")
                    : Task.FromResult(Encoding.UTF8.GetBytes("""{"ok":true}"""));
            },
            ex => ("InvalidEvent", ex.Message),
            stop.Token);

        var first = await _api.NextPostAsync();
        var second = await _api.NextPostAsync();
        var third = await _api.NextPostAsync();
        await stop.CancelAsync();

        Assert.Equal(new RuntimePost("response", "ok-1", """{"ok":true}""", null), first);
        Assert.Equal(("error", "bad-2", "InvalidEvent"), (second.Kind, second.RequestId, second.ErrorTypeHeader));
        using var error = JsonDocument.Parse(second.Body);
        Assert.Equal("InvalidEvent", error.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("awslogs.data is not valid base64", error.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal(("response", "ok-3"), (third.Kind, third.RequestId));
        Assert.Equal(["ok-1", "bad-2", "ok-3"], seen.Select(c => c.RequestId));
        Assert.All(seen, c => Assert.Equal(deadline.ToUnixTimeMilliseconds(), c.Deadline.ToUnixTimeMilliseconds()));
        var ended = await Record.ExceptionAsync(() => loop);
        Assert.True(ended is null or OperationCanceledException, $"the loop ended with {ended}");
    }

    [Fact]
    public async Task An_init_error_is_posted_with_type_and_message()
    {
        var client = new LambdaRuntimeClient(_http, _api.Address);

        await client.SendInitErrorAsync("Configuration", "Invalid configuration: BATCH_SIZE must be a whole number from 1 to 104857600", CancellationToken.None);

        var post = await _api.NextPostAsync();
        Assert.Equal(("init-error", "Configuration"), (post.Kind, post.ErrorTypeHeader));
        Assert.Equal("""{"errorType":"Configuration","errorMessage":"Invalid configuration: BATCH_SIZE must be a whole number from 1 to 104857600","stackTrace":[]}""", post.Body);
    }
}
