using System.Text.Json;
using Xunit.Abstractions;
using LokiShipper.Diagnostics;
using LokiShipper.Function;
using LokiShipper.Loki;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Faults;

/// <summary>
/// Loki misbehaving, over real HTTP on loopback. Each case asserts which entries were stored, how many times, and
/// what the invocation reported; each prints one row of the fault table (run with
/// <c>--logger "console;verbosity=detailed"</c> to see them).
/// </summary>
public sealed class FaultInjectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string LogGroup = "/aws/lambda/faults";
    private readonly StringWriter _log = new();
    private readonly long _baseMs = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
    private LokiReceiver? _receiver;

    private LokiReceiver Receiver => _receiver!;

    public async Task InitializeAsync() => _receiver = await LokiReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }

    private (long TimestampMs, string Message)[] Lines(int count, Func<int, string>? text = null) =>
        Enumerable.Range(0, count).Select(i => (_baseMs + i, text?.Invoke(i) ?? $"line {i:D3}")).ToArray();

    private ShipperFunction Handler(Uri writeAddress, HttpMessageHandler? http = null, params (string, string)[] variables) =>
        Composition.CreateFunction(
            TestOptions.From([("WRITE_ADDRESS", writeAddress.ToString()), .. variables]),
            new ShipperLog(_log, LogLevel.Info),
            TimeProvider.System,
            http);

    private async Task<(JsonElement Summary, InvocationFailedException? Failure)> InvokeAsync(ShipperFunction handler, (long, string)[] lines, double deadlineSeconds = 30)
    {
        InvocationFailedException? failure = null;
        try
        {
            await handler.HandleAsync(TestEvents.CloudWatch(LogGroup, "s", lines), new InvocationContext("fault", DateTimeOffset.UtcNow.AddSeconds(deadlineSeconds)), CancellationToken.None);
        }
        catch (InvocationFailedException ex)
        {
            failure = ex;
        }

        var summary = JsonDocument.Parse(_log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).First(l => l.Contains("\"entries_in\"", StringComparison.Ordinal))).RootElement;
        return (summary, failure);
    }

    private void Row(string fault, int expected, (long, string)[] lines, LokiReceiver receiver, JsonElement summary)
    {
        var copies = receiver.StoredCopies;
        var delivered = lines.Count(l => copies.ContainsKey((l.Item1 * 1_000_000, l.Item2)));
        var duplicates = copies.Values.Sum(c => c - 1);
        var outcome = summary.GetProperty("ok").GetBoolean() ? "ok" : "failed";
        output.WriteLine($"| {fault} | {expected} | {delivered} | {duplicates} | {outcome}, retries {summary.GetProperty("retries").GetInt32()}, rejected {summary.GetProperty("entries_rejected").GetInt32()}, failed {summary.GetProperty("entries_failed").GetInt32()} |");
    }

    private static void StoredExactlyOnce(LokiReceiver receiver, IEnumerable<(long TimestampMs, string Message)> lines)
    {
        var copies = receiver.StoredCopies;
        Assert.All(lines, l => Assert.Equal(1, copies.GetValueOrDefault((l.TimestampMs * 1_000_000, l.Message))));
    }

    [Fact]
    public async Task Loki_refusing_connections_then_coming_back_gets_everything_once()
    {
        await Receiver.DisposeAsync();
        _receiver = null;
        var port = ChildEnvironment.FreePort();
        var counting = new CountingHandler(LokiHttpSink.CreateHandler(TestOptions.From(("WRITE_ADDRESS", "http://127.0.0.1:1")).LokiSlice()), async attempt =>
        {
            if (attempt == 4)
            {
                _receiver = await LokiReceiver.StartAsync(port); // down for three attempts, then back
            }
        });
        var lines = Lines(20);

        var (summary, failure) = await InvokeAsync(Handler(new Uri($"http://127.0.0.1:{port}"), counting), lines);

        Assert.Null(failure);
        Assert.Equal(4, counting.Attempts);
        Assert.Equal(3, summary.GetProperty("retries").GetInt32());
        StoredExactlyOnce(Receiver, lines);
        Row("connection refused for 3 attempts", 20, lines, Receiver, summary);
    }

    [Fact]
    public async Task Rate_limiting_with_and_without_retry_after_delivers_once()
    {
        Receiver.Enqueue(LokiReceiver.Status(429, "Ingestion rate limit exceeded", TimeSpan.FromSeconds(1)), LokiReceiver.Status(429, "Per stream rate limit exceeded"));
        var lines = Lines(10);

        var (summary, failure) = await InvokeAsync(Handler(Receiver.PushUrl), lines);

        Assert.Null(failure);
        Assert.Equal(3, Receiver.Received.Count);
        Assert.Equal(2, summary.GetProperty("retries").GetInt32());
        StoredExactlyOnce(Receiver, lines);
        Row("429 with Retry-After 1 s, then 429 without", 10, lines, Receiver, summary);
    }

    [Fact]
    public async Task A_burst_of_server_errors_delivers_once()
    {
        Receiver.Enqueue(
            LokiReceiver.Status(500, "internal error"),
            LokiReceiver.Status(502, "Bad Gateway"),
            LokiReceiver.Status(503, "Service Unavailable"),
            LokiReceiver.Status(504, "Gateway Timeout"));
        var lines = Lines(10);

        var (summary, failure) = await InvokeAsync(Handler(Receiver.PushUrl), lines);

        Assert.Null(failure);
        Assert.Equal(4, summary.GetProperty("retries").GetInt32());
        StoredExactlyOnce(Receiver, lines);
        Row("500, 502, 503, 504, then 204", 10, lines, Receiver, summary);
    }

    [Fact]
    public async Task A_response_slower_than_the_attempt_timeout_is_retried_and_loki_sees_an_identical_copy()
    {
        // Loki stored the first request but answered too late: the retry stores identical entries, which Loki
        // drops as exact duplicates. The receiver keeps both so the test can count them.
        Receiver.Enqueue(async (http, push) =>
        {
            await Receiver.Accept(http, push);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        });
        var lines = Lines(10);

        var (summary, failure) = await InvokeAsync(Handler(Receiver.PushUrl, null, ("PUSH_TIMEOUT_SECONDS", "1")), lines);

        Assert.Null(failure);
        Assert.Equal(1, summary.GetProperty("retries").GetInt32());
        Assert.All(lines, l => Assert.Equal(2, Receiver.StoredCopies[(l.TimestampMs * 1_000_000, l.Message)]));
        Row("answer slower than PUSH_TIMEOUT_SECONDS=1 (stored, then answered late)", 10, lines, Receiver, summary);
    }

    [Fact]
    public async Task A_connection_reset_mid_request_is_retried()
    {
        Receiver.Enqueue((http, _) =>
        {
            http.Abort();
            return Task.CompletedTask;
        });
        var lines = Lines(10);

        var (summary, failure) = await InvokeAsync(Handler(Receiver.PushUrl), lines);

        Assert.Null(failure);
        Assert.Equal(1, summary.GetProperty("retries").GetInt32());
        StoredExactlyOnce(Receiver, lines);
        Row("connection reset mid-request", 10, lines, Receiver, summary);
    }

    [Fact]
    public async Task Too_large_requests_are_split_and_delivered_in_parts()
    {
        Receiver.Rule = (http, push) => push.EntryCount > 4 ? LokiReceiver.Status(413, "Request Entity Too Large")(http, push) : Receiver.Accept(http, push);
        var lines = Lines(16);

        var (summary, failure) = await InvokeAsync(Handler(Receiver.PushUrl), lines);

        Assert.Null(failure);
        Assert.Equal(3, summary.GetProperty("splits").GetInt32()); // 16 → 8 + 8 → 4 + 4 + 4 + 4
        Assert.All(Receiver.Accepted, p => Assert.True(p.EntryCount <= 4));
        StoredExactlyOnce(Receiver, lines);
        Row("413 above 4 entries per request", 16, lines, Receiver, summary);
    }

    /// <summary>
    /// Lines 0 and 1 are 8 days (too old) or 2 hours (too far behind) older than the rest, 3 and 7 the long ones; the
    /// receiver refuses as Loki does and answers in its words.
    /// </summary>
    [Theory]
    [InlineData("line too long (Loki 3)", "line_too_long", 1)]
    [InlineData("too old (Loki 3)", "too_old", 1)]
    [InlineData("too old (Loki 2, one message: the rest is pushed again to verify)", "too_old", 2)]
    [InlineData("entry too far behind (Loki 3 ingester)", "entry_too_far_behind", 1)]
    public async Task Partial_acceptance_stores_the_rest_and_counts_exactly_what_loki_refused(string fault, string reason, int requests)
    {
        var back = reason == "too_old" ? TimeSpan.FromDays(8) : TimeSpan.FromHours(2);
        var lines = Lines(10, i => i is 3 or 7 ? $"long {i} " + new string('x', 200) : $"line {i}")
            .Select((l, i) => (TimestampMs: i < 2 && reason != "line_too_long" ? l.TimestampMs - (long)back.TotalMilliseconds : l.TimestampMs, l.Message))
            .ToArray();
        var refusedIndexes = reason == "line_too_long" ? new[] { 3, 7 } : [0, 1];
        var newestNs = lines.Max(l => l.TimestampMs) * 1_000_000;
        Receiver.Rule = fault switch
        {
            _ when reason == "line_too_long" => Receiver.RefuseLinesLongerThan(200, LokiVersion.Loki3),
            _ when reason == "entry_too_far_behind" => Receiver.RefuseBehind(newestNs, TimeSpan.FromHours(1)),
            _ => Receiver.RefuseOlderThan(newestNs - (long)TimeSpan.FromDays(7).TotalMicroseconds * 1000, fault.Contains("Loki 2", StringComparison.Ordinal) ? LokiVersion.Loki2 : LokiVersion.Loki3),
        };

        var (summary, failure) = await InvokeAsync(Handler(Receiver.PushUrl), lines);

        Assert.Null(failure);
        Assert.Equal(requests, Receiver.Received.Count);
        var kept = lines.Where((_, i) => !refusedIndexes.Contains(i)).ToList();
        var copies = Receiver.StoredCopies;
        Assert.All(kept, l => Assert.Equal(requests, copies.GetValueOrDefault((l.TimestampMs * 1_000_000, l.Message)))); // Loki keeps one of them
        Assert.All(refusedIndexes, i => Assert.False(copies.ContainsKey((lines[i].TimestampMs * 1_000_000, lines[i].Message))));
        Assert.Equal((8, 2, 2), (summary.GetProperty("entries_pushed").GetInt32(), summary.GetProperty("entries_rejected").GetInt32(), summary.GetProperty("rejected").GetProperty(reason).GetInt32()));
        Row($"400 partial acceptance: {fault}", 8, lines, Receiver, summary);
    }

    [Fact]
    public async Task When_the_retry_budget_runs_out_the_invocation_fails_before_the_deadline_and_says_which_batches_were_delivered()
    {
        Receiver.Rule = (http, push) => push.Streams.Any(s => s.Entries.Any(e => e.Line.StartsWith("B1 ", StringComparison.Ordinal)))
            ? LokiReceiver.Status(503, "no healthy upstream")(http, push)
            : Receiver.Accept(http, push);
        var lines = Lines(15, i => $"B{i / 5} " + new string('x', 100));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(4);

        var (summary, failure) = await InvokeAsync(Handler(Receiver.PushUrl, null, ("BATCH_SIZE", "705")), lines, 4);

        Assert.NotNull(failure);
        Assert.True(DateTimeOffset.UtcNow < deadline, "the invocation must end before Lambda's deadline");
        Assert.Contains("batch 1: gave up after", failure.Message);
        Assert.Contains("the retry budget, which ends before the Lambda deadline, ran out; last failure: HTTP 503: no healthy upstream", failure.Message);
        Assert.Equal(3, summary.GetProperty("batches").GetInt32());
        Assert.Equal([1], summary.GetProperty("failed_batches").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal((10, 5), (summary.GetProperty("entries_pushed").GetInt32(), summary.GetProperty("entries_failed").GetInt32()));
        StoredExactlyOnce(Receiver, lines.Where(l => !l.Message.StartsWith("B1 ", StringComparison.Ordinal)));
        Row("503 forever for batch 1 of 3, 4 s deadline", 10, lines, Receiver, summary);
    }

    [Fact]
    public async Task Concurrent_batches_one_failing_do_not_lose_or_duplicate_the_others()
    {
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        Receiver.Rule = (http, push) =>
        {
            var first = push.Streams[0].Entries[0].Line[..3];
            if (first == "B07")
            {
                return LokiReceiver.Status(403, "tenant disabled")(http, push);
            }

            // Every third batch gets a 503 on its first attempt.
            return seen.AddOrUpdate(first, 1, (_, n) => n + 1) == 1 && int.Parse(first[1..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0
                ? LokiReceiver.Status(503, "try again")(http, push)
                : Receiver.Accept(http, push);
        };
        var lines = Lines(60, i => $"B{i / 5:D2} " + new string('y', 96));

        var (summary, failure) = await InvokeAsync(Handler(Receiver.PushUrl, null, ("BATCH_SIZE", "705"), ("PUSH_CONCURRENCY", "4")), lines);

        Assert.NotNull(failure);
        Assert.Equal(12, summary.GetProperty("batches").GetInt32());
        Assert.Equal([7], summary.GetProperty("failed_batches").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal((55, 5, 4), (summary.GetProperty("entries_pushed").GetInt32(), summary.GetProperty("entries_failed").GetInt32(), summary.GetProperty("retries").GetInt32()));
        StoredExactlyOnce(Receiver, lines.Where(l => !l.Message.StartsWith("B07", StringComparison.Ordinal)));
        Assert.DoesNotContain(Receiver.StoredCopies.Keys, k => k.Line.StartsWith("B07", StringComparison.Ordinal));
        Row("12 batches, 4 in flight: batch 7 refused (403), 4 batches 503 once", 55, lines, Receiver, summary);
    }
}
