using System.Globalization;
using System.Text.Json;
using LokiShipper.Labels;
using LokiShipper.Loki;

namespace LokiShipper.Tests.Support;

/// <summary>
/// A request sent to a real Loki and what Loki did with it: its answer, and what it held afterwards (queried with
/// query_range). Captured from Loki 2.7.5, 3.4.6 and 3.4.6 upgraded from 2.x (schema v12, structured metadata
/// disallowed) in TestData/loki-400; lines of 1,000 bytes and more are stored as <c>{"repeat":"x","times":N}</c>.
/// </summary>
internal sealed record CapturedPush(string Case, string Flavour, long PushedAtNs, int Status, string Body, PushBatch Batch, IReadOnlyList<bool> Stored)
{
    public static IEnumerable<string> Files() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "loki-400"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static CapturedPush Load(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "loki-400", file)));
        var root = doc.RootElement;
        var setup = root.GetProperty("setup").EnumerateArray()
            .SelectMany(s => s.GetProperty("entries").EnumerateArray().Select(e => (e[0].GetString()!, Line(e[1]))))
            .ToHashSet();
        var streams = new List<LokiStream>();
        var stored = new List<bool>();
        foreach (var stream in root.GetProperty("streams").EnumerateArray())
        {
            var labels = LabelSet.From(stream.GetProperty("labels").EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)));
            var held = stream.GetProperty("stored").EnumerateArray().Select(e => (e[0].GetString()!, Line(e[1]))).Where(e => !setup.Contains(e)).ToHashSet();
            var entries = new List<LokiEntry>();
            foreach (var entry in stream.GetProperty("entries").EnumerateArray())
            {
                var ts = entry[0].GetString()!;
                var line = Line(entry[1]);
                var metadata = entry.GetArrayLength() > 2
                    ? new StructuredMetadata(entry[2].EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)).ToList())
                    : StructuredMetadata.Empty;
                entries.Add(LokiEntry.FromText(long.Parse(ts, CultureInfo.InvariantCulture), line, metadata));
                stored.Add(held.Contains((ts, line)));
            }

            streams.Add(new LokiStream(labels, entries));
        }

        return new CapturedPush(
            root.GetProperty("case").GetString()!,
            root.GetProperty("flavour").GetString()!,
            root.GetProperty("pushed_at_ns").GetInt64(),
            root.GetProperty("status").GetInt32(),
            root.GetProperty("body").GetString()!,
            PushBatch.Of(0, streams),
            stored);
    }

    public bool SentMetadata => Batch.Streams.Any(s => s.Entries.Any(e => !e.Metadata.IsEmpty));

    private static string Line(JsonElement line) => line.ValueKind == JsonValueKind.String
        ? line.GetString()!
        : new string(line.GetProperty("repeat").GetString()![0], line.GetProperty("times").GetInt32());
}
