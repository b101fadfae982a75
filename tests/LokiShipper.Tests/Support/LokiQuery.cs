using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace LokiShipper.Tests.Support;

/// <summary>
/// Reads back what a real Loki stored: <c>GET /loki/api/v1/query_range</c> over the last 8 days (to 1 h ahead),
/// forward, paged past Loki's 5,000-entries-per-query limit; and a count through a LogQL metric query.
/// </summary>
/// <remarks>
/// On Loki 3 the header <c>X-Loki-Response-Encoding-Flags: categorize-labels</c> keeps structured metadata apart from
/// the stream labels. Loki 3.4.6 then answers (checked against the real binary):
/// <code>
/// {"status":"success","data":{"resultType":"streams","encodingFlags":["categorize-labels"],"result":[
///   {"stream":{"log_group":"/aws/lambda/x1","service_name":"x1"},
///    "values":[["1796041603431389789","line one",{"structuredMetadata":{"detected_level":"unknown","log_stream":"s1"}}],
///              ["1796041603431389790","plain line",{}]]}]}}
/// </code>
/// The stream holds only the labels; metadata is the third element of each value (Loki 3 adds <c>detected_level</c>
/// itself where structured metadata is allowed; with it disallowed the third element is <c>{}</c>). Without the
/// header Loki 3 folds metadata into the stream labels, one stream per metadata combination. Loki 2 ignores the header
/// and answers two-element values.
/// </remarks>
public sealed class LokiQuery
{
    /// <summary>Loki's default <c>max_entries_limit_per_query</c>.</summary>
    public const int MaxEntriesPerQuery = 5000;

    /// <summary>How long a read waits for entries to become visible (ingestion is asynchronous for queries).</summary>
    public static readonly TimeSpan VisibilityWait = TimeSpan.FromSeconds(30);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private readonly Uri _baseUrl;
    private readonly string? _tenant;
    private readonly bool _categorizeLabels;

    public LokiQuery(Uri baseUrl, string? tenant, bool categorizeLabels)
    {
        _baseUrl = baseUrl;
        _tenant = tenant;
        _categorizeLabels = categorizeLabels;
    }

    /// <summary>A stream selector <c>{name="value"}</c>, the value escaped as LogQL reads it.</summary>
    public static string Selector(string name, string value) => $"{{{name}={Quote(value)}}}";

    /// <summary>
    /// The stored streams of <paramref name="selector"/>, entries in time order. Reads again (bounded by
    /// <see cref="VisibilityWait"/>) until at least <paramref name="expectedEntries"/> are visible, then returns what
    /// Loki holds; never asserts a time.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedStream>> StoredStreamsAsync(string selector, int expectedEntries, int pageSize = MaxEntriesPerQuery)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var streams = await ReadAllAsync(selector, pageSize);
            if (streams.Sum(s => s.Entries.Count) >= expectedEntries || waited.Elapsed > VisibilityWait)
            {
                return streams;
            }

            await Task.Delay(250); // waiting for ingestion, bounded; no timing is asserted
        }
    }

    /// <summary>Every entry of <paramref name="selector"/> in the window, one query_range page after another.</summary>
    public async Task<IReadOnlyList<ReceivedStream>> ReadAllAsync(string selector, int pageSize = MaxEntriesPerQuery)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var (start, end) = Window();
        var seen = new HashSet<(string Stream, long TimestampNs, string Line)>();
        var streams = new Dictionary<string, (IReadOnlyDictionary<string, string> Labels, List<ReceivedEntry> Entries)>(StringComparer.Ordinal);
        while (true)
        {
            var query = string.Create(
                CultureInfo.InvariantCulture,
                $"/loki/api/v1/query_range?query={Uri.EscapeDataString(selector)}&start={start}&end={end}&limit={pageSize}&direction=forward");
            using var page = await GetAsync(query);
            var returned = 0;
            var added = 0;
            var last = start;
            foreach (var stream in ParseStreams(page.RootElement))
            {
                if (!streams.TryGetValue(stream.LabelsText, out var into))
                {
                    into = (stream.Labels, []);
                    streams.Add(stream.LabelsText, into);
                }

                foreach (var entry in stream.Entries)
                {
                    returned++;
                    last = Math.Max(last, entry.TimestampNs);
                    if (seen.Add((stream.LabelsText, entry.TimestampNs, entry.Line)))
                    {
                        into.Entries.Add(entry);
                        added++;
                    }
                }
            }

            if (returned < pageSize)
            {
                break; // the last page
            }

            if (added == 0)
            {
                throw new InvalidOperationException($"more than {pageSize} entries of {selector} share the timestamp {last}; query_range cannot page past them");
            }

            // Next page from the last timestamp seen, inclusive: entries at that same nanosecond that did not fit in
            // this page come back, and those already read are recognised (Loki itself keeps one of identical entries).
            start = last;
        }

        return streams
            .Where(s => s.Value.Entries.Count > 0)
            .Select(s => new ReceivedStream(s.Key, s.Value.Labels, s.Value.Entries.OrderBy(e => e.TimestampNs).ToList()))
            .ToList();
    }

    /// <summary>
    /// How many entries Loki holds for <paramref name="selector"/> in the window, counted by Loki itself
    /// (<c>sum(count_over_time(selector[193h]))</c>), independently of reading them page by page.
    /// </summary>
    public async Task<long> CountAsync(string selector)
    {
        var (_, end) = Window();
        var query = string.Create(
            CultureInfo.InvariantCulture,
            $"/loki/api/v1/query?query={Uri.EscapeDataString($"sum(count_over_time({selector}[193h]))")}&time={end}");
        using var answer = await GetAsync(query);
        var data = answer.RootElement.GetProperty("data");
        if (data.GetProperty("resultType").GetString() != "vector")
        {
            throw new InvalidDataException($"Loki answered a {data.GetProperty("resultType").GetString()} to a count query");
        }

        var result = data.GetProperty("result");
        return result.GetArrayLength() == 0
            ? 0
            : (long)double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The streams of a query_range answer: labels from <c>stream</c>; each value's timestamp (ns), line, and
    /// <c>structuredMetadata</c> from a third element when Loki sends one (empty otherwise).
    /// </summary>
    public static IReadOnlyList<ReceivedStream> ParseStreams(JsonElement answer)
    {
        var data = answer.GetProperty("data");
        if (data.GetProperty("resultType").GetString() != "streams")
        {
            throw new InvalidDataException($"Loki answered a {data.GetProperty("resultType").GetString()} to a log query");
        }

        var streams = new List<ReceivedStream>();
        foreach (var result in data.GetProperty("result").EnumerateArray())
        {
            var labels = Strings(result.GetProperty("stream"));
            var entries = new List<ReceivedEntry>();
            foreach (var value in result.GetProperty("values").EnumerateArray())
            {
                var metadata = value.GetArrayLength() > 2 && value[2].ValueKind == JsonValueKind.Object && value[2].TryGetProperty("structuredMetadata", out var structured)
                    ? Strings(structured)
                    : new Dictionary<string, string>(StringComparer.Ordinal);
                entries.Add(new ReceivedEntry(long.Parse(value[0].GetString()!, CultureInfo.InvariantCulture), value[1].GetString()!, metadata));
            }

            streams.Add(new ReceivedStream(LabelsText(labels), labels, entries));
        }

        return streams;
    }

    private async Task<JsonDocument> GetAsync(string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUrl, pathAndQuery));
        if (_tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", _tenant);
        }

        if (_categorizeLabels)
        {
            request.Headers.Add("X-Loki-Response-Encoding-Flags", "categorize-labels");
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Loki at {_baseUrl} answered {(int)response.StatusCode} to GET {pathAndQuery}: {body.Trim()}");
        }

        return JsonDocument.Parse(body);
    }

    /// <summary>From 8 days ago to 1 h ahead, in Unix nanoseconds (start inclusive, end exclusive).</summary>
    private static (long Start, long End) Window()
    {
        var now = DateTimeOffset.UtcNow;
        return (now.AddDays(-8).ToUnixTimeMilliseconds() * 1_000_000, now.AddHours(1).ToUnixTimeMilliseconds() * 1_000_000);
    }

    private static Dictionary<string, string> Strings(JsonElement obj) =>
        obj.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    private static string LabelsText(IReadOnlyDictionary<string, string> labels) =>
        "{" + string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={Quote(l.Value)}")) + "}";

    private static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }
}
