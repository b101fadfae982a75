using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LokiShipper.Tests.Support;

/// <summary>How the receiver answers one request, after decoding it.</summary>
public delegate Task LokiResponder(HttpContext http, ReceivedPush push);

/// <summary>
/// An in-process Loki push endpoint on 127.0.0.1 (Kestrel, random port). It decodes snappy+protobuf and JSON as
/// Loki does, answers 400 to a request without Content-Type, records every decoded request, and answers 204 unless a
/// scripted response is queued (429 with Retry-After, 5xx, 400 with partial acceptance…).
/// </summary>
public sealed class LokiReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<LokiResponder> _script = new();
    private readonly ConcurrentQueue<ReceivedPush> _received = new();
    private readonly ConcurrentQueue<ReceivedPush> _accepted = new();

    private LokiReceiver(WebApplication app)
    {
        _app = app;
    }

    public Uri PushUrl { get; private set; } = null!;

    /// <summary>Every request that reached the endpoint and decoded, in arrival order.</summary>
    public IReadOnlyList<ReceivedPush> Received => [.. _received];

    /// <summary>Requests answered with 204 (stored, as far as the test is concerned).</summary>
    public IReadOnlyList<ReceivedPush> Accepted => [.. _accepted];

    public int BadRequests { get; private set; }

    /// <summary>How many times each (timestamp, line) was stored: 1 is exactly once, more are duplicates Loki would drop.</summary>
    public IReadOnlyDictionary<(long TimestampNs, string Line), int> StoredCopies =>
        Accepted.SelectMany(p => p.Streams).SelectMany(s => s.Entries)
            .GroupBy(e => (e.TimestampNs, e.Line))
            .ToDictionary(g => g.Key, g => g.Count());

    public static async Task<LokiReceiver> StartAsync(int port = 0)
    {
        LokiReceiver? receiver = null;
        var (app, address) = await LoopbackHost.StartAsync(app =>
        {
            receiver = new LokiReceiver(app);
            app.MapPost("/loki/api/v1/push", receiver.HandleAsync);
        }, port);
        receiver!.PushUrl = new Uri(address, "/loki/api/v1/push");
        return receiver;
    }

    /// <summary>Answers every request the script does not cover (default: <see cref="Accept"/>).</summary>
    public LokiResponder? Rule { get; set; }

    /// <summary>Stores the request and answers 204, as Loki does.</summary>
    public LokiResponder Accept => (http, push) =>
    {
        _accepted.Enqueue(push);
        http.Response.StatusCode = 204;
        return Task.CompletedTask;
    };

    /// <summary>Queues answers for the next requests; after them, <see cref="Rule"/>.</summary>
    public void Enqueue(params LokiResponder[] responders)
    {
        foreach (var responder in responders)
        {
            _script.Enqueue(responder);
        }
    }

    public static LokiResponder Status(int status, string body = "", TimeSpan? retryAfter = null) => async (http, _) =>
    {
        http.Response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await http.Response.WriteAsync(body);
    };

    /// <summary>
    /// Loki's distributor refusing entries older than <paramref name="cutoffNs"/> (<c>reject_old_samples_max_age</c>):
    /// it stores the others and answers 400 in the words of <paramref name="version"/> (see TestData/loki-400).
    /// </summary>
    public LokiResponder RefuseOlderThan(long cutoffNs, LokiVersion version) => RefuseEntries(
        version,
        (_, e) => e.TimestampNs < cutoffNs,
        (labels, e) => $"entry for stream '{labels}' has timestamp too old: {Rfc3339(e.TimestampNs)}, oldest acceptable timestamp is: {Rfc3339(cutoffNs)}");

    /// <summary>Loki's distributor refusing lines longer than <paramref name="maxBytes"/> (<c>max_line_size</c>).</summary>
    public LokiResponder RefuseLinesLongerThan(int maxBytes, LokiVersion version) => RefuseEntries(
        version,
        (_, e) => System.Text.Encoding.UTF8.GetByteCount(e.Line) > maxBytes,
        (labels, e) => $"Max entry size '{maxBytes}' bytes exceeded for stream '{labels}' while adding an entry with length '{System.Text.Encoding.UTF8.GetByteCount(e.Line)}' bytes");

    /// <summary>
    /// Loki 3's ingester refusing entries more than its out-of-order window behind <paramref name="newestNs"/>, the
    /// newest it holds for every stream: it lists at most 10 refused entries and the total of the last stream that
    /// failed, and stores the rest.
    /// </summary>
    public LokiResponder RefuseBehind(long newestNs, TimeSpan window) => async (http, push) =>
    {
        var cutoff = newestNs - (long)window.TotalMicroseconds * 1000;
        var kept = new List<ReceivedStream>();
        string? answer = null;
        foreach (var stream in push.Streams)
        {
            var refused = stream.Entries.Where(e => e.TimestampNs < cutoff).ToList();
            kept.Add(stream with { Entries = stream.Entries.Except(refused).ToList() });
            if (refused.Count > 0)
            {
                var lines = refused.Take(10).Select(e =>
                    $"entry with timestamp {GoTime(e.TimestampNs)} ignored, reason: 'entry too far behind, entry timestamp is: {Rfc3339(e.TimestampNs)}, oldest acceptable timestamp is: {Rfc3339(cutoff)}',");
                answer = string.Join('\n', lines) + $"\nuser 'fake', total ignored: {refused.Count} out of {stream.Entries.Count} for stream: {Loki3Labels(stream)}";
            }
        }

        await Answer(http, push with { Streams = kept }, answer);
    };

    private LokiResponder RefuseEntries(LokiVersion version, Func<ReceivedStream, ReceivedEntry, bool> refuses, Func<string, ReceivedEntry, string> message) => async (http, push) =>
    {
        var kept = new List<ReceivedStream>();
        var errors = new List<string>();
        foreach (var stream in push.Streams)
        {
            var refused = stream.Entries.Where(e => refuses(stream, e)).ToList();
            kept.Add(stream with { Entries = stream.Entries.Except(refused).ToList() });
            var labels = version == LokiVersion.Loki2 ? stream.LabelsText : Loki3Labels(stream);
            errors.AddRange(refused.Select(e => message(labels, e)));
        }

        string? answer = errors.Count == 0 ? null
            : version == LokiVersion.Loki2 ? errors[^1] // Loki 2 keeps the last error it met
            : errors.Count == 1 ? errors[0] // Loki 3, one error: no count
            : string.Join("; ", errors.GroupBy(e => e, StringComparer.Ordinal).Select(g => $"{g.Count()} errors like: {g.Key}"));
        await Answer(http, push with { Streams = kept }, answer);
    };

    private async Task Answer(HttpContext http, ReceivedPush stored, string? refusal)
    {
        _accepted.Enqueue(stored);
        http.Response.StatusCode = refusal is null ? 204 : 400;
        if (refusal is not null)
        {
            await http.Response.WriteAsync(refusal);
        }
    }

    /// <summary>The stream as Loki 3 prints it: with the <c>service_name</c> it adds when none was sent.</summary>
    private static string Loki3Labels(ReceivedStream stream) => stream.Labels.ContainsKey("service_name")
        ? stream.LabelsText
        : "{" + string.Join(", ", stream.Labels.Append(new("service_name", "unknown_service")).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={LokiShipper.Labels.GoQuote.Quote(l.Value)}")) + "}";

    private static string Rfc3339(long ns) => DateTimeOffset.FromUnixTimeMilliseconds(Math.DivRem(ns, 1_000_000_000L, out _) * 1000).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Go's time.String() in UTC: <c>2026-11-30 10:22:42.679308762 +0000 UTC</c>, trailing zeros of the fraction dropped.</summary>
    private static string GoTime(long ns)
    {
        var seconds = Math.DivRem(ns, 1_000_000_000L, out var fraction);
        var text = DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        return fraction == 0 ? $"{text} +0000 UTC" : $"{text}.{fraction:D9}".TrimEnd('0') + " +0000 UTC";
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        ReceivedPush push;
        try
        {
            push = ReceivedPush.Decode(http.Request.ContentType, http.Request.Headers.ContentEncoding.ToString() is { Length: > 0 } e ? e : null, headers, buffer.ToArray());
        }
        catch (Exception ex) when (ex is InvalidDataException or Google.Protobuf.InvalidProtocolBufferException or System.Text.Json.JsonException or FormatException)
        {
            BadRequests++;
            http.Response.StatusCode = 400;
            await http.Response.WriteAsync($"loghttp: cannot decode request: {ex.Message}");
            return;
        }

        _received.Enqueue(push);
        if (_script.TryDequeue(out var responder))
        {
            await responder(http, push);
            return;
        }

        await (Rule ?? Accept)(http, push);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
