using Microsoft.Extensions.Time.Testing;
using LokiShipper.Diagnostics;
using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Loki.Encoders;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Loki;

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

    private static readonly StructuredMetadata LogStream = new([new("log_stream", "s1")]);

    private static PushBatch Batch(int entries = 3, bool metadata = false) =>
        new(0, [new LokiStream(Labels, Enumerable.Range(0, entries).Select(i => LokiEntry.FromText(1_795_000_000_000_000_000 + i, $"line {i}", metadata ? LogStream : StructuredMetadata.Empty)).ToList())], entries, entries * 6);

    private LokiHttpSink Sink(params (string, string)[] extra)
    {
        var options = TestOptions.From([("WRITE_ADDRESS", "http://loki.test:3100"), .. extra]);
        return new LokiHttpSink(options.LokiSlice(), _handler, new ProtobufSnappyEncoder(), _time);
    }

    private TimeSpan SinceStart(int request) => _handler.Requests[request].At - FakeClock.Start;

    [Fact]
    public async Task A_204_delivers_the_batch_with_the_documented_headers()
    {
        var sink = Sink(("TENANT_ID", "team-a"), ("USERNAME", "alice"), ("PASSWORD", "hunter2"));

        var result = await FakeClock.RunAsync(_time, sink.PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Equal((3, 0, (long)_handler.Requests[0].Body.Length, 0), (result.Accepted, result.RejectedCount, result.BytesSent, result.Retries));
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
    public async Task A_400_from_the_ingester_names_its_stream_and_the_oldest_entries_it_refused()
    {
        // Loki 3.4.6's words (TestData/loki-400/too-far-behind.loki-3.json), for this batch's stream.
        _handler.ThenStatus(400, """
            entry with timestamp 2026-11-18 11:06:40 +0000 UTC ignored, reason: 'entry too far behind, entry timestamp is: 2026-11-18T11:06:40Z, oldest acceptable timestamp is: 2026-11-18T12:00:00Z',
            entry with timestamp 2026-11-18 11:06:40.000000001 +0000 UTC ignored, reason: 'entry too far behind, entry timestamp is: 2026-11-18T11:06:40Z, oldest acceptable timestamp is: 2026-11-18T12:00:00Z',
            user 'fake', total ignored: 2 out of 3 for stream: {service_name="checkout"}
            """);

        var result = await FakeClock.RunAsync(_time, Sink().PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Single(_handler.Requests);
        Assert.Equal((1, "entry_too_far_behind:2", 0, 0), (result.Accepted, Reasons(result), result.Retries, result.VerificationPushes));
    }

    [Fact]
    public async Task A_single_message_400_is_verified_by_pushing_the_rest_again()
    {
        // Loki 2.7.5 names only the last refused entry; the limit it quotes refuses the first two of this batch.
        _handler.ThenStatus(400, "entry for stream '{service_name=\"checkout\"}' has timestamp too old: 2026-11-18T11:06:39Z, oldest acceptable timestamp is: 2026-11-18T11:06:40Z");
        var batch = new PushBatch(0, [new LokiStream(Labels, [
            LokiEntry.FromText(1_795_000_000_000_000_000 - 5, "old 1", StructuredMetadata.Empty),
            LokiEntry.FromText(1_795_000_000_000_000_000 - 1, "old 2", StructuredMetadata.Empty),
            LokiEntry.FromText(1_795_000_001_000_000_000, "kept 1", StructuredMetadata.Empty),
            LokiEntry.FromText(1_795_000_002_000_000_000, "kept 2", StructuredMetadata.Empty)])], 4, 40);

        var result = await FakeClock.RunAsync(_time, Sink().PushAsync(batch, FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Equal(2, _handler.Requests.Count);
        Assert.Equal(["kept 1", "kept 2"], Decode(1).Entries.Select(e => e.Line));
        Assert.Equal((2, "too_old:2", 1), (result.Accepted, Reasons(result), result.VerificationPushes));
        Assert.Equal(_handler.Requests.Sum(r => (long)r.Body.Length), result.BytesSent);
    }

    [Fact]
    public async Task Entries_whose_fate_the_answers_leave_open_are_unconfirmed_never_pushed()
    {
        _handler.ThenStatus(400, "entry for stream '{service_name=\"checkout\"}' has timestamp too old: 2026-11-18T11:06:39Z, oldest acceptable timestamp is: 2026-11-18T11:06:40Z");
        for (var i = 0; i < 100; i++)
        {
            _handler.ThenStatus(503, "ingester unavailable");
        }

        var result = await FakeClock.RunAsync(_time, Sink().PushAsync(Batch(), FakeClock.Start.AddSeconds(5), CancellationToken.None));

        Assert.Equal((0, "unconfirmed:3", 1), (result.Accepted, Reasons(result), result.VerificationPushes));
    }

    [Fact]
    public async Task Refused_structured_metadata_is_dropped_once_and_the_entries_sent_again_without_it()
    {
        var log = new StringWriter();
        var sink = new LokiHttpSink(TestOptions.From(("WRITE_ADDRESS", "http://loki.test")).LokiSlice(), _handler, new ProtobufSnappyEncoder(), _time, new ShipperLog(log, LogLevel.Info));
        // Loki 3.4.6 upgraded from 2.x (TestData/loki-400/structured-metadata.loki-3-upgraded.json).
        _handler.ThenStatus(400, "3 errors like: stream '{service_name=\"checkout\"}' includes structured metadata, but this feature is disallowed. Please see `limits_config.allow_structured_metadata` or contact your Loki administrator to enable it.");

        var first = await FakeClock.RunAsync(_time, sink.PushAsync(Batch(metadata: true), FakeClock.Start.AddSeconds(30), CancellationToken.None));
        var second = await FakeClock.RunAsync(_time, sink.PushAsync(Batch(metadata: true), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Equal((3, "", 3), (first.Accepted, Reasons(first), first.MetadataDropped));
        Assert.Equal((3, "", 3), (second.Accepted, Reasons(second), second.MetadataDropped));
        Assert.Equal(3, _handler.Requests.Count);
        Assert.Equal("s1", Decode(0).Entries[0].Metadata["log_stream"]);
        Assert.All([Decode(1), Decode(2)], stream => Assert.All(stream.Entries, e => Assert.Empty(e.Metadata)));
        var warning = Assert.Single(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"level\":\"warn\"", warning);
        Assert.Contains("includes structured metadata, but this feature is disallowed", warning);
        Assert.Contains("allow_structured_metadata: true", warning);
        Assert.Contains("KEEP_STREAM=true", warning);
    }

    [Fact]
    public async Task With_structured_metadata_always_refused_entries_are_counted_and_not_resent()
    {
        _handler.ThenStatus(400, "3 errors like: stream '{service_name=\"checkout\"}' includes structured metadata, but this feature is disallowed. Please see `limits_config.allow_structured_metadata` or contact your Loki administrator to enable it.");

        var result = await FakeClock.RunAsync(_time, Sink(("STRUCTURED_METADATA", "always")).PushAsync(Batch(metadata: true), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Single(_handler.Requests);
        Assert.Equal((0, "structured_metadata:3", 0), (result.Accepted, Reasons(result), result.MetadataDropped));
    }

    [Fact]
    public async Task With_structured_metadata_never_none_is_sent_and_none_counted_dropped()
    {
        var result = await FakeClock.RunAsync(_time, Sink(("STRUCTURED_METADATA", "never")).PushAsync(Batch(metadata: true), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.All(Decode(0).Entries, e => Assert.Empty(e.Metadata));
        Assert.Equal((3, 0), (result.Accepted, result.MetadataDropped));
    }

    [Fact]
    public async Task A_json_body_loki_2_cannot_read_for_its_metadata_is_sent_again_without_it()
    {
        var options = TestOptions.From(("WRITE_ADDRESS", "http://loki.test"), ("LOKI_PUSH_FORMAT", "json"));
        var sink = new LokiHttpSink(options.LokiSlice(), _handler, Composition.CreateEncoder(options.LokiSlice()), _time);
        // Loki 2.7.5 (TestData/loki-400/structured-metadata.loki-2.json): the whole body refused, nothing stored.
        _handler.ThenStatus(400, "loghttp.PushRequest.Streams: []*loghttp.Stream: unmarshalerDecoder: Value is string, but can't find closing '\"' symbol, error found in #10 byte of ...|\": \"s\"}]]}, {\"stream|...");

        var result = await FakeClock.RunAsync(_time, sink.PushAsync(Batch(metadata: true), FakeClock.Start.AddSeconds(30), CancellationToken.None));
        await FakeClock.RunAsync(_time, sink.PushAsync(Batch(metadata: true), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Equal((3, 3, 0), (result.Accepted, result.MetadataDropped, result.VerificationPushes));
        Assert.Equal(3, _handler.Requests.Count);
        Assert.Equal("s1", Decode(0).Entries[0].Metadata["log_stream"]);
        Assert.All([Decode(1), Decode(2)], stream => Assert.All(stream.Entries, e => Assert.Empty(e.Metadata)));
    }

    [Fact]
    public async Task Streams_with_entries_old_enough_to_be_refused_unseen_go_one_per_request()
    {
        // Loki's ingester reports only a request's last stream: a too-far-behind refusal elsewhere would hide behind a 204.
        var old = (FakeClock.Start.AddHours(-2) - DateTimeOffset.UnixEpoch).Ticks * 100;
        var batch = PushBatch.Of(0, [
            new LokiStream(Labels, [LokiEntry.FromText(old, "a", StructuredMetadata.Empty)]),
            new LokiStream(LabelSet.From([new("service_name", "payments")]), [LokiEntry.FromText(old, "b", StructuredMetadata.Empty)])]);
        var fresh = PushBatch.Of(1, [
            new LokiStream(Labels, [LokiEntry.FromText(old + (long)TimeSpan.FromHours(2).TotalMicroseconds * 1000, "c", StructuredMetadata.Empty)]),
            new LokiStream(LabelSet.From([new("service_name", "payments")]), [LokiEntry.FromText(old + (long)TimeSpan.FromHours(2).TotalMicroseconds * 1000, "d", StructuredMetadata.Empty)])]);

        var sink = Sink();
        var oldResult = await FakeClock.RunAsync(_time, sink.PushAsync(batch, FakeClock.Start.AddSeconds(30), CancellationToken.None));
        var freshResult = await FakeClock.RunAsync(_time, sink.PushAsync(fresh, FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Equal((2, 2), (oldResult.Accepted, freshResult.Accepted));
        Assert.Equal([["a"], ["b"], ["c", "d"]], _handler.Requests.Select((_, i) => DecodeAll(i)).ToList());
    }

    [Theory]
    [InlineData(90, "entry_too_far_behind:1 too_old:1")] // the stream's newest in Loki (limit + 1 h) predates this request: refused then too
    [InlineData(0, "too_old:1 unconfirmed:1")] // this request's own newest line is the stream's newest: it may have been stored, then overtaken
    public async Task A_too_far_behind_answer_to_a_verification_push_counts_only_when_loki_held_a_newer_line_before(int lokiNewestAheadMinutes, string rejected)
    {
        var now = (FakeClock.Start - DateTimeOffset.UnixEpoch).Ticks * 100;
        var minute = (long)TimeSpan.FromMinutes(1).TotalMicroseconds * 1000;
        var batch = PushBatch.Of(0, [new LokiStream(Labels, [
            LokiEntry.FromText(now - (10 * 24 * 60 * minute), "ten days old", StructuredMetadata.Empty),
            LokiEntry.FromText(now - (120 * minute), "two hours old", StructuredMetadata.Empty),
            LokiEntry.FromText(now - minute, "fresh", StructuredMetadata.Empty)])]);
        var limit = DateTimeOffset.FromUnixTimeMilliseconds((now - minute + (lokiNewestAheadMinutes * minute) - (60 * minute)) / 1_000_000).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        // Loki 3: the distributor's answer hides the ingester's; the verification push of the 2-hour-old line gets the ingester's.
        _handler.ThenStatus(400, "1 errors like: entry for stream '{service_name=\"checkout\"}' has timestamp too old: 2026-11-12T12:00:00Z, oldest acceptable timestamp is: 2026-11-15T12:00:00Z")
            .ThenStatus(400, $"entry with timestamp 2026-11-22 10:00:00 +0000 UTC ignored, reason: 'entry too far behind, entry timestamp is: 2026-11-22T10:00:00Z, oldest acceptable timestamp is: {limit}',\nuser 'fake', total ignored: 1 out of 1 for stream: {{service_name=\"checkout\"}}");

        var result = await FakeClock.RunAsync(_time, Sink().PushAsync(batch, FakeClock.Start.AddSeconds(30), CancellationToken.None));

        Assert.Equal(["two hours old"], DecodeAll(1));
        Assert.Equal((1, rejected, 1), (result.Accepted, Reasons(result), result.VerificationPushes));
    }

    private List<string> DecodeAll(int request)
    {
        var (_, message, body) = _handler.Requests[request];
        return ReceivedPush.Decode(message.Content!.Headers.ContentType!.ToString(), null, new Dictionary<string, string>(), body)
            .Streams.SelectMany(s => s.Entries).Select(e => e.Line).ToList();
    }

    private static string Reasons(PushResult result) =>
        string.Join(' ', result.Rejected.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}:{r.Value}"));

    private ReceivedStream Decode(int request)
    {
        var (_, message, body) = _handler.Requests[request];
        return ReceivedPush.Decode(
            message.Content!.Headers.ContentType!.ToString(),
            message.Content.Headers.ContentEncoding.FirstOrDefault(),
            new Dictionary<string, string>(),
            body).Streams.Single();
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
        var sink = new LokiHttpSink(TestOptions.From(("WRITE_ADDRESS", "http://loki.test"), ("LOKI_PUSH_FORMAT", "json")).LokiSlice(), _handler, Composition.CreateEncoder(TestOptions.From(("WRITE_ADDRESS", "http://loki.test"), ("LOKI_PUSH_FORMAT", "json")).LokiSlice()), _time);

        await FakeClock.RunAsync(_time, sink.PushAsync(Batch(), FakeClock.Start.AddSeconds(30), CancellationToken.None));

        var (_, request, body) = Assert.Single(_handler.Requests);
        var push = ReceivedPush.Decode(request.Content!.Headers.ContentType!.ToString(), request.Content.Headers.ContentEncoding.Single(), new Dictionary<string, string>(), body);
        Assert.Equal(["line 0", "line 1", "line 2"], push.Streams.Single().Entries.Select(e => e.Line));
    }

    [Fact]
    public void Tls_certificates_are_verified_unless_skip_tls_verify_is_true()
    {
        using var verifying = LokiHttpSink.CreateHandler(TestOptions.From(("WRITE_ADDRESS", "https://loki.test")).LokiSlice());
        using var skipping = LokiHttpSink.CreateHandler(TestOptions.From(("WRITE_ADDRESS", "https://loki.test"), ("SKIP_TLS_VERIFY", "true")).LokiSlice());

        Assert.Null(verifying.SslOptions.RemoteCertificateValidationCallback);
        Assert.True(skipping.SslOptions.RemoteCertificateValidationCallback!(this, null, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
    }
}
