using System.Diagnostics;
using System.Text.Json;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Runtime;

/// <summary>
/// The real executable (<c>dotnet LokiShipper.dll</c>, as Lambda's managed runtime starts it) against the fake
/// Runtime API and the loopback receiver.
/// </summary>
public sealed class FunctionProcessTests : IAsyncLifetime
{
    private FakeRuntimeApi _api = null!;
    private LokiReceiver _receiver = null!;
    private Process? _process;

    public async Task InitializeAsync()
    {
        _api = await FakeRuntimeApi.StartAsync();
        _receiver = await LokiReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        await _api.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private Process Start(params (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "LokiShipper.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        ChildEnvironment.Isolate(info, [new("AWS_LAMBDA_RUNTIME_API", _api.Address), .. environment.Select(e => new KeyValuePair<string, string>(e.Name, e.Value))]);

        _process = Process.Start(info)!;
        return _process;
    }

    [Fact]
    public async Task Serves_invocations_from_the_runtime_api_and_pushes_to_loki()
    {
        var process = Start(("WRITE_ADDRESS", _receiver.PushUrl.ToString()), ("AWS_REGION", "eu-west-1"));
        _api.Enqueue("req-1", DateTimeOffset.UtcNow.AddSeconds(30), File.ReadAllBytes(TestEvents.SamplePath("cloudwatch-logs.json")));
        _api.Enqueue("req-2", DateTimeOffset.UtcNow.AddSeconds(30), """{"awslogs":{"data":"???"}}"""u8.ToArray());

        var first = await _api.NextPostAsync();
        var second = await _api.NextPostAsync();

        Assert.Equal(("response", "req-1"), (first.Kind, first.RequestId));
        using (var body = JsonDocument.Parse(first.Body))
        {
            Assert.Equal(4, body.RootElement.GetProperty("entries_pushed").GetInt32());
        }

        var push = Assert.Single(_receiver.Received);
        Assert.Equal("eu-west-1", push.Streams.Single().Labels["aws_region"]);
        Assert.Equal(("error", "req-2", "InvalidEvent"), (second.Kind, second.RequestId, second.ErrorTypeHeader));
        Assert.Contains("\"errorMessage\":\"awslogs.data is not valid base64\"", second.Body);
        Assert.False(process.HasExited);
    }

    [Fact]
    public async Task The_deadline_header_bounds_the_retry_budget_and_the_error_is_reported_before_it()
    {
        var process = Start(("WRITE_ADDRESS", _receiver.PushUrl.ToString()));
        for (var i = 0; i < 200; i++)
        {
            _receiver.Enqueue(LokiReceiver.Status(503, "ingester unavailable"));
        }

        _api.Enqueue("req-late", DateTimeOffset.UtcNow.AddSeconds(3), File.ReadAllBytes(TestEvents.SamplePath("cloudwatch-logs.json")));

        var post = await _api.NextPostAsync();

        Assert.Equal(("error", "req-late", "PushFailed"), (post.Kind, post.RequestId, post.ErrorTypeHeader));
        Assert.Contains("the retry budget, which ends before the Lambda deadline, ran out; last failure: HTTP 503: ingester unavailable", post.Body);
        Assert.True(_receiver.Received.Count >= 2, $"{_receiver.Received.Count} attempts");
        Assert.False(process.HasExited);
    }

    [Fact]
    public async Task A_configuration_error_at_start_goes_to_init_error_and_the_process_exits()
    {
        var process = Start(("WRITE_ADDRESS", _receiver.PushUrl.ToString()), ("BATCH_SIZE", "1MB"), ("PASSWORD", "pw-SECRET-7"));

        var post = await _api.NextPostAsync();
        await process.WaitForExitAsync();

        Assert.Equal(("init-error", "Configuration"), (post.Kind, post.ErrorTypeHeader));
        Assert.Contains("BATCH_SIZE must be a whole number from 1 to 104857600", post.Body);
        Assert.Contains("USERNAME and PASSWORD must be set together", post.Body);
        Assert.DoesNotContain("pw-SECRET-7", post.Body + await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync());
        Assert.Equal(1, process.ExitCode);
    }

    [Fact]
    public async Task A_missing_write_address_is_an_init_error_on_lambda()
    {
        var process = Start();

        var post = await _api.NextPostAsync();
        await process.WaitForExitAsync();

        Assert.Equal("init-error", post.Kind);
        Assert.Contains("WRITE_ADDRESS must be set on Lambda", post.Body);
    }
}
