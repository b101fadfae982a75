using System.Net.Http;
using LokiShipper.Batching;
using LokiShipper.Configuration;
using LokiShipper.Encode;
using LokiShipper.Labels;
using LokiShipper.Push;
using LokiShipper.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace LokiShipper.Tests.Push;

/// <summary>The retry policy, on a fake clock with a scripted HTTP handler: no real waiting.</summary>
public class LokiHttpSinkTests
{
    private static readonly LabelSet Labels = LabelSet.From([new("service_name", "checkout")]);
    private readonly FakeTimeProvider _time = FakeClock.New();
    private readonly ScriptedHandler _handler;

    public LokiHttpSinkTests()
    {
        _handler = new ScriptedHandler(_time);
    }

    private static PushBatch Batch(int entries = 3) =>
        new(0, [new LokiStream(Labels, Enumerable.Range(0, entries).Select(i => LokiEntry.FromText(1_795_000_000_000_000_000 + i, $"line {i}", StructuredMetadata.Empty)).ToList())], entries, entries * 6);

    private LokiHttpSink Sink(params (string, string)[] extra)
    {
        var options = TestOptions.From([("WRITE_ADDRESS", "http://loki.test:3100"), .. extra]);
        return new LokiHttpSink(options, _handler, new ProtobufSnappyEncoder(), _time);
    }

    private TimeSpan SinceStart(int request) => _handler.Requests[request].At - FakeClock.Start;

    [Fact]
    public async Task A_204_delivers_the_batch_with_the_documented_headers()
    {
        var sink = Sink(("TENANT_ID", "team-a"), ("USERNAME", "alice"), ("PASSWORD", "hunter2"));

        var result = await FakeClock.RunAsync(_time, sink.PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Equal(new PushResult(3, 0, null, _handler.Requests[0].Body.Length, 0), result);
        var request = Assert.Single(_handler.Requests).Request;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://loki.test:3100/loki/api/v1/push", request.RequestUri!.ToString());
        Assert.Equal("application/x-protobuf", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal($"LokiShipper/{LokiHttpSink.Version}", request.Headers.UserAgent.ToString());
        Assert.Equal("team-a", request.Headers.GetValues("X-Scope-OrgID").Single());
        Assert.Equal("Basic YWxpY2U6aHVudGVyMg==", request.Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task A_429_with_retry_after_waits_exactly_that_long()
    {
        _handler.ThenStatus(429, "Ingestion rate limit exceeded", retryAfter: TimeSpan.FromSeconds(7));

        var result = await FakeClock.RunAsync(_time, Sink().PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Equal(3, result.Accepted);
        Assert.Equal(1, result.Retries);
        Assert.Equal(2, _handler.Requests.Count);
        Assert.InRange(SinceStart(1), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7.05));
        Assert.Equal(2 * _handler.Requests[0].Body.Length, result.BytesSent);
    }

    [Fact]
    public async Task A_503_is_retried_after_a_short_backoff()
    {
        _handler.ThenStatus(503, "ingester unavailable");

        var result = await FakeClock.RunAsync(_time, Sink().PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Equal((3, 1), (result.Accepted, result.Retries));
        Assert.InRange(SinceStart(1), TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task An_attempt_slower_than_the_per_attempt_timeout_is_cancelled_and_retried()
    {
        _handler.ThenHang();

        var result = await FakeClock.RunAsync(_time, Sink(("PUSH_TIMEOUT_SECONDS", "5")).PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None), TimeSpan.FromMilliseconds(50));

        Assert.Equal((3, 1), (result.Accepted, result.Retries));
        Assert.InRange(SinceStart(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6.5));
    }

    [Fact]
    public async Task A_network_error_is_retried()
    {
        _handler.ThenThrow(new HttpRequestException("Connection refused (loki.test:3100)"));

        var result = await FakeClock.RunAsync(_time, Sink().PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Equal((3, 1), (result.Accepted, result.Retries));
    }

    [Fact]
    public async Task When_the_budget_runs_out_the_push_fails_at_the_budget_with_the_last_failure()
    {
        for (var i = 0; i < 1000; i++)
        {
            _handler.ThenStatus(503, "overloaded");
        }

        var giveUpAt = FakeClock.Start.AddSeconds(20);
        var ex = await Assert.ThrowsAsync<PushFailedException>(() =>
            FakeClock.RunAsync(_time, Sink().PushAsync(Batch(), giveUpAt, CancellationToken.None), TimeSpan.FromMilliseconds(50)));

        Assert.Contains("the retry budget, which ends before the Lambda deadline, ran out; last failure: HTTP 503: overloaded", ex.Message);
        Assert.InRange(_time.GetUtcNow(), giveUpAt, giveUpAt.AddMilliseconds(100));
        Assert.True(_handler.Requests.Count >= 5, $"{_handler.Requests.Count} attempts in 20 s");
        Assert.Equal(_handler.Requests.Count - 1, ex.Retries);
        Assert.All(_handler.Requests, r => Assert.True(r.At <= giveUpAt));
    }

    [Fact]
    public async Task A_retry_after_beyond_the_budget_fails_at_once()
    {
        _handler.ThenStatus(429, "per-tenant rate limit", retryAfter: TimeSpan.FromSeconds(120));

        var ex = await Assert.ThrowsAsync<PushFailedException>(() =>
            FakeClock.RunAsync(_time, Sink().PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None)));

        Assert.Single(_handler.Requests);
        Assert.Equal(FakeClock.Start, _time.GetUtcNow());
        Assert.Equal("batch 0: Loki answered 429 with Retry-After 120s, beyond the 30s left before the Lambda deadline; per-tenant rate limit", ex.Message);
    }

    [Fact]
    public async Task A_400_is_partial_acceptance_and_not_retried()
    {
        _handler.ThenStatus(400, "user 'fake', total ignored: 2 out of 3 for stream: {service_name=\"checkout\"}\n(entry too far behind)");

        var result = await FakeClock.RunAsync(_time, Sink().PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Single(_handler.Requests);
        Assert.Equal((1, 2, "entry_too_far_behind", 0), (result.Accepted, result.Rejected, result.RejectReason, result.Retries));
    }

    [Fact]
    public async Task A_400_that_is_not_a_validation_error_fails_without_retry()
    {
        _handler.ThenStatus(400, "snappy: corrupt input");

        var ex = await Assert.ThrowsAsync<PushFailedException>(() =>
            FakeClock.RunAsync(_time, Sink().PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None)));

        Assert.Single(_handler.Requests);
        Assert.Equal("batch 0: Loki refused the whole request with 400 (not a per-entry validation error, so nothing was stored): snappy: corrupt input", ex.Message);
    }

    [Fact]
    public async Task A_401_fails_at_once_with_status_and_body_but_no_secret()
    {
        _handler.ThenStatus(401, "no org id");

        var ex = await Assert.ThrowsAsync<PushFailedException>(() =>
            FakeClock.RunAsync(_time, Sink(("BEARER_TOKEN", "tok-SECRET-123")).PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None)));

        Assert.Single(_handler.Requests);
        Assert.Equal("batch 0: Loki answered 401 Unauthorized, which retrying cannot fix: no org id", ex.Message);
        Assert.DoesNotContain("tok-SECRET-123", ex.ToString());
    }

    [Fact]
    public async Task A_long_error_body_is_cut_to_one_kibibyte()
    {
        _handler.ThenStatus(404, new string('x', 5000));

        var ex = await Assert.ThrowsAsync<PushFailedException>(() =>
            FakeClock.RunAsync(_time, Sink().PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None)));

        Assert.Equal("batch 0: Loki answered 404 Not Found, which retrying cannot fix: ".Length + 1024, ex.Message.Length);
    }

    [Fact]
    public async Task No_time_left_fails_without_sending()
    {
        var ex = await Assert.ThrowsAsync<PushFailedException>(() => Sink().PushAsync(Batch(), FakeClock.Start, CancellationToken.None));

        Assert.Empty(_handler.Requests);
        Assert.Equal("batch 0: no time left before the Lambda deadline to push 3 entries", ex.Message);
    }

    [Fact]
    public async Task Json_format_sends_gzip_json()
    {
        var sink = new LokiHttpSink(TestOptions.From(("WRITE_ADDRESS", "http://loki.test"), ("LOKI_PUSH_FORMAT", "json")), _handler, ShipperComposition.CreateEncoder(TestOptions.From(("LOKI_PUSH_FORMAT", "json"))), _time);

        await FakeClock.RunAsync(_time, sink.PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        var (_, request, body) = Assert.Single(_handler.Requests);
        var push = ReceivedPush.Decode(request.Content!.Headers.ContentType!.ToString(), request.Content.Headers.ContentEncoding.Single(), new Dictionary<string, string>(), body);
        Assert.Equal(["line 0", "line 1", "line 2"], push.Streams.Single().Entries.Select(e => e.Line));
    }

    [Fact]
    public void Tls_certificates_are_verified_unless_skip_tls_verify_is_true()
    {
        using var verifying = LokiHttpSink.CreateHandler(TestOptions.From(("WRITE_ADDRESS", "https://loki.test")));
        using var skipping = LokiHttpSink.CreateHandler(TestOptions.From(("WRITE_ADDRESS", "https://loki.test"), ("SKIP_TLS_VERIFY", "true")));

        Assert.Null(verifying.SslOptions.RemoteCertificateValidationCallback);
        Assert.True(skipping.SslOptions.RemoteCertificateValidationCallback!(this, null, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
    }
}
