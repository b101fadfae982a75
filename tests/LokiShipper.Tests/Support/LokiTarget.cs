using System.Globalization;
using System.Text.Json;

namespace LokiShipper.Tests.Support;

/// <summary>
/// Where end-to-end tests push: the in-process <see cref="LokiReceiver"/>, or a real Loki when <c>LOKI_URL</c> is set
/// (e.g. <c>docker run -p 3100:3100 grafana/loki</c>, then <c>LOKI_URL=http://localhost:3100 dotnet test</c>).
/// Against a real Loki, what was stored is read back through <c>/loki/api/v1/query_range</c>.
/// </summary>
public sealed class LokiTarget : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private LokiTarget(LokiReceiver? receiver, Uri? lokiUrl)
    {
        Receiver = receiver;
        LokiUrl = lokiUrl;
    }

    public LokiReceiver? Receiver { get; }
    public Uri? LokiUrl { get; }
    public bool IsRealLoki => LokiUrl is not null;

    public Uri WriteAddress => IsRealLoki ? new Uri(LokiUrl!, "/loki/api/v1/push") : Receiver!.PushUrl;

    public static async Task<LokiTarget> StartAsync()
    {
        var url = Environment.GetEnvironmentVariable("LOKI_URL");
        return string.IsNullOrEmpty(url)
            ? new LokiTarget(await LokiReceiver.StartAsync(), null)
            : new LokiTarget(null, new Uri(url));
    }

    /// <summary>
    /// The stored streams whose label <paramref name="name"/> equals <paramref name="value"/>, entries in time order.
    /// Waits (bounded) until <paramref name="expectedEntries"/> are visible when querying a real Loki.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedStream>> StoredStreamsAsync(string name, string value, int expectedEntries)
    {
        if (!IsRealLoki)
        {
            return Receiver!.Accepted
                .SelectMany(p => p.Streams)
                .Where(s => s.Labels.GetValueOrDefault(name) == value && s.Entries.Count > 0)
                .GroupBy(s => s.LabelsText)
                .Select(g => new ReceivedStream(g.Key, g.First().Labels, g.SelectMany(s => s.Entries).OrderBy(e => e.TimestampNs).ToList()))
                .ToList();
        }

        var query = Uri.EscapeDataString($"{{{name}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"}}");
        var start = DateTimeOffset.UtcNow.AddDays(-7).ToUnixTimeMilliseconds() * 1_000_000;
        var end = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() * 1_000_000;
        var url = new Uri(LokiUrl!, $"/loki/api/v1/query_range?query={query}&start={start}&end={end}&limit=5000&direction=forward");
        List<ReceivedStream> streams = [];
        for (var attempt = 0; attempt < 60; attempt++)
        {
            using var doc = JsonDocument.Parse(await Http.GetStringAsync(url));
            streams = doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => new ReceivedStream(
                string.Empty,
                r.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                r.GetProperty("values").EnumerateArray().Select(v => new ReceivedEntry(
                    long.Parse(v[0].GetString()!, CultureInfo.InvariantCulture),
                    v[1].GetString()!,
                    new Dictionary<string, string>())).ToList())).ToList();
            if (streams.Sum(s => s.Entries.Count) >= expectedEntries)
            {
                break;
            }

            await Task.Delay(500); // waiting for ingestion, bounded; no timing is asserted
        }

        return streams;
    }

    public async ValueTask DisposeAsync()
    {
        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }
    }
}
