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
    /// Loki's partial acceptance: entries whose line contains <paramref name="marker"/> are refused as too old, the
    /// others are stored, and the answer is a 400 in the ingester's words.
    /// </summary>
    public LokiResponder RejectLinesContaining(string marker, string? lokiMessage = null) => async (http, push) =>
    {
        var kept = new List<ReceivedStream>();
        var messages = new List<string>();
        foreach (var stream in push.Streams)
        {
            var refused = stream.Entries.Where(e => e.Line.Contains(marker, StringComparison.Ordinal)).ToList();
            kept.Add(stream with { Entries = stream.Entries.Except(refused).ToList() });
            if (refused.Count > 0)
            {
                if (lokiMessage is not null)
                {
                    // The distributor's words: one line per refused entry, no total.
                    messages.AddRange(refused.Select(_ => lokiMessage));
                    continue;
                }

                messages.AddRange(refused.Select(e =>
                    $"entry with timestamp {DateTimeOffset.FromUnixTimeMilliseconds(e.TimestampNs / 1_000_000):O} ignored, reason: 'entry too far behind, oldest acceptable timestamp is: 2026-01-01T00:00:00Z',"));
                messages.Add($"user 'fake', total ignored: {refused.Count} out of {stream.Entries.Count} for stream: {stream.LabelsText}");
            }
        }

        _accepted.Enqueue(push with { Streams = kept });
        http.Response.StatusCode = 400;
        await http.Response.WriteAsync(string.Join('\n', messages));
    };

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
