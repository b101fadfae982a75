using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LokiShipper.Tests.Support;

/// <summary>What the function posted back to the Runtime API.</summary>
public sealed record RuntimePost(string Kind, string? RequestId, string Body, string? ErrorTypeHeader);

/// <summary>
/// The Lambda Runtime API (2018-06-01) on 127.0.0.1, as documented: <c>invocation/next</c> blocks until a queued
/// event is available and answers with the invocation headers; responses and errors are recorded.
/// </summary>
public sealed class FakeRuntimeApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<(string RequestId, long DeadlineMs, byte[] Payload)> _events = Channel.CreateUnbounded<(string, long, byte[])>();
    private readonly Channel<RuntimePost> _posts = Channel.CreateUnbounded<RuntimePost>();

    private FakeRuntimeApi(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>: host:port.</summary>
    public string Address { get; private set; } = null!;

    public const string FunctionArn = "arn:aws:lambda:eu-west-1:123456789012:function:LokiShipper";
    public const string TraceId = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    public static async Task<FakeRuntimeApi> StartAsync()
    {
        FakeRuntimeApi? api = null;
        var (_, address) = await LoopbackHost.StartAsync(app =>
        {
            api = new FakeRuntimeApi(app);
            app.MapGet("/2018-06-01/runtime/invocation/next", api.NextAsync);
            app.MapPost("/2018-06-01/runtime/invocation/{id}/response", (HttpContext http, string id) => api.RecordAsync(http, "response", id));
            app.MapPost("/2018-06-01/runtime/invocation/{id}/error", (HttpContext http, string id) => api.RecordAsync(http, "error", id));
            app.MapPost("/2018-06-01/runtime/init/error", (HttpContext http) => api.RecordAsync(http, "init-error", null));
        });
        api!.Address = address.Authority;
        return api;
    }

    public void Enqueue(string requestId, DateTimeOffset deadline, byte[] payload) =>
        _events.Writer.TryWrite((requestId, deadline.ToUnixTimeMilliseconds(), payload));

    /// <summary>Waits for the function's next post (response, error or init error).</summary>
    public async Task<RuntimePost> NextPostAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        return await _posts.Reader.ReadAsync(cts.Token);
    }

    private async Task NextAsync(HttpContext http)
    {
        var (requestId, deadlineMs, payload) = await _events.Reader.ReadAsync(http.RequestAborted);
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        http.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = requestId;
        http.Response.Headers["Lambda-Runtime-Deadline-Ms"] = deadlineMs.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = FunctionArn;
        http.Response.Headers["Lambda-Runtime-Trace-Id"] = TraceId;
        await http.Response.Body.WriteAsync(payload);
    }

    private async Task RecordAsync(HttpContext http, string kind, string? requestId)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var errorType = http.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString();
        await _posts.Writer.WriteAsync(new RuntimePost(kind, requestId, body, errorType.Length > 0 ? errorType : null));
        http.Response.StatusCode = 202;
        await http.Response.WriteAsync("{\"status\":\"OK\"}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
