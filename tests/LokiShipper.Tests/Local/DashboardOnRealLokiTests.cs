using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using LokiShipper.Diagnostics;
using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Local;

/// <summary>
/// deploy/local against the real Loki 3.4.6 of ../shared/services (no Docker needed): Loki checks the compose
/// setup's own config file, and every query of the dashboard, with its variables replaced as Grafana replaces them,
/// runs against a Loki 3 holding what the shipper pushed, and finds exactly what it says it finds. Skips like the
/// other real-Loki tests when the services are absent (see <see cref="RealLokis"/>).
/// </summary>
public sealed class DashboardOnRealLokiTests(ITestOutputHelper output)
{
    private const string LokiBinary = "loki-3.4.6";
    private const string LogStream = "2026/11/30/[$LATEST]d45b0a2c7e1f4a3b9c8d7e6f5a4b3c2d";
    private const string OtherRequest = "3d9b7e21-6a4f-4b8c-8d2e-1f0a9b8c7d6e";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(2);

    private readonly string _id = Guid.NewGuid().ToString("N")[..10];
    private readonly long _nowMs = DateTimeOffset.UtcNow.AddSeconds(-30).ToUnixTimeMilliseconds();

    private string Service => $"dash-{_id}";

    private string RequestId => $"{_id[..8]}-5b2d-4c3e-9f10-2a3b4c5d6e7f";

    [SkippableFact]
    public async Task Loki_3_accepts_the_local_config_and_refuses_it_on_schema_v12()
    {
        var loki = await LokiExecutableAsync();
        var config = LocalStack.Path("loki/loki.yaml");
        var text = await File.ReadAllTextAsync(config);
        var broken = Path.Combine(Path.GetTempPath(), $"lokishipper-local-{_id}.yaml");
        await File.WriteAllTextAsync(broken, text.Replace("schema: v13", "schema: v12", StringComparison.Ordinal));
        try
        {
            var accepted = await RealLokis.RunToEndAsync(loki, [$"-config.file={config}", "-verify-config"], ProcessTimeout);
            var refused = await RealLokis.RunToEndAsync(loki, [$"-config.file={broken}", "-verify-config"], ProcessTimeout);

            Assert.True(accepted.ExitCode == 0, $"{LokiBinary} -verify-config refused {config}: {accepted.Stdout}{accepted.Stderr}");
            Assert.Contains("schema: v13", text, StringComparison.Ordinal);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("schema v13 is required to store Structured Metadata", refused.Stdout + refused.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [SkippableFact]
    public async Task Every_query_and_variable_of_the_dashboard_finds_what_the_shipper_pushed_to_loki_3()
    {
        var loki = await RealLokis.GetAsync("3");
        output.WriteLine(loki.Description);
        var stored = await ShipAsync(loki);
        using var dashboard = LocalStack.Json("grafana/dashboards/lokishipper.json");
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["aws_service"] = GrafanaTemplate.MultiValue("lambda"),
            ["service"] = GrafanaTemplate.MultiValue(Service),
        };

        foreach (var variable in dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray().Where(v => v.GetProperty("type").GetString() == "query"))
        {
            var (label, stream) = DashboardChecker.LabelValuesQuery(variable);
            var listed = await LabelValuesAsync(loki, label, GrafanaTemplate.Interpolate(stream, values));
            Assert.Contains(stored.Select(e => e.Labels[label]).First(), listed);
        }

        var queries = DashboardChecker.Queries(dashboard.RootElement);
        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            string[] requestIds = GrafanaTemplate.VariablesIn(query.Expr).Contains("request_id") ? [RequestId, RequestId[..8], string.Empty] : [string.Empty];
            foreach (var requestId in requestIds)
            {
                values["request_id"] = GrafanaTemplate.SingleValue(requestId);
                var expr = GrafanaTemplate.Interpolate(query.Expr, values);
                var logQl = LogQlQuery.Parse(expr);
                var expected = stored.Where(e => Passes(logQl, e)).ToList();
                output.WriteLine($"{query.Panel} ({query.PanelType}): {expr} -> {expected.Count} of {stored.Count} entries");

                Assert.True(expected.Count > 0, $"{query.Panel}: the test's entries do not exercise {expr}");
                if (!logQl.IsMetric)
                {
                    var lines = await LogLinesAsync(loki, expr);
                    Assert.Equal(expected.Select(e => (e.TimestampNs, e.Line)).Order(), lines.Order());
                    if (requestId.Length > 0)
                    {
                        Assert.Superset(SentLines().Where(l => l.RequestId == RequestId).Select(l => l.Line).ToHashSet(), lines.Select(l => l.Line).ToHashSet());
                        Assert.DoesNotContain(lines, l => l.Line.Contains(OtherRequest, StringComparison.Ordinal));
                    }
                    else
                    {
                        Assert.Equal(stored.Count, lines.Count);
                    }
                }
                else
                {
                    var counts = await CountsAsync(loki, expr, query.Instant, logQl.Grouping);
                    var want = expected
                        .GroupBy(e => string.Join(',', logQl.Grouping.Select(g => Value(e, g))), StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => (double)g.Count(), StringComparer.Ordinal);
                    Assert.Equal(want.OrderBy(p => p.Key, StringComparer.Ordinal), counts.OrderBy(p => p.Key, StringComparer.Ordinal));
                }
            }
        }

        // The errors the lines carry, as the level panels count them.
        Assert.Equal(2, stored.Count(e => e.Metadata.GetValueOrDefault("level") is "error" or "fatal"));
    }

    /// <summary>One entry Loki holds: its stream labels, timestamp, line and structured metadata.</summary>
    private sealed record StoredEntry(IReadOnlyDictionary<string, string> Labels, long TimestampNs, string Line, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>
    /// What the shipper pushes for a Lambda function: the real handler ships a CloudWatch Logs event (its labels, and
    /// <c>log_stream</c> as structured metadata); then the shipper's own sink and encoder push Lambda lines into that
    /// stream with <c>level</c> and <c>request_id</c> as structured metadata, as the shipper sends them from issue 15
    /// on. Returns every entry of the function Loki then holds.
    /// </summary>
    private async Task<IReadOnlyList<StoredEntry>> ShipAsync(RealLoki loki)
    {
        var logGroup = $"/aws/lambda/{Service}";
        var selector = LokiQuery.Selector("service_name", Service);
        var options = TestOptions.From([.. loki.ShipperVariables, ("AWS_REGION", "eu-west-1")]);
        var log = new StringWriter();
        var handler = Composition.CreateFunction(options, new ShipperLog(log, LogLevel.Info), TimeProvider.System);
        await handler.HandleAsync(
            TestEvents.CloudWatch(
                logGroup,
                LogStream,
                (_nowMs, $"START RequestId: {RequestId} Version: $LATEST"),
                (_nowMs + 1, $"END RequestId: {RequestId}"),
                (_nowMs + 2, $"REPORT RequestId: {RequestId}\tDuration: 3.10 ms\tBilled Duration: 4 ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB")),
            new InvocationContext("dashboard", DateTimeOffset.UtcNow.AddSeconds(60)),
            CancellationToken.None);
        output.WriteLine(log.ToString());
        var stream = Assert.Single(await loki.Query.StoredStreamsAsync(selector, 3));
        Assert.Equal(("lambda", logGroup, "eu-west-1"), (stream.Labels["aws_service"], stream.Labels["log_group"], stream.Labels["aws_region"]));

        var sent = SentLines();
        var entries = sent.Select((l, i) => LokiEntry.FromText(
            (_nowMs + 10 + i) * 1_000_000,
            l.Line,
            new StructuredMetadata([
                new("log_stream", LogStream),
                .. l.Level is null ? [] : new KeyValuePair<string, string>[] { new("level", l.Level) },
                .. l.RequestId is null ? [] : new KeyValuePair<string, string>[] { new("request_id", l.RequestId) }]))).ToList();
        using var http = new SocketsHttpHandler();
        var sink = new LokiHttpSink(options.LokiSlice(), http, Composition.CreateEncoder(options.LokiSlice()), TimeProvider.System);
        var result = await sink.PushAsync(PushBatch.Of(0, [new LokiStream(LabelSet.From(stream.Labels), entries)]), DateTimeOffset.UtcNow.AddSeconds(30), CancellationToken.None);
        Assert.Equal((sent.Count, 0, 0), (result.Accepted, result.RejectedCount, result.MetadataDropped));

        var held = Assert.Single(await loki.Query.StoredStreamsAsync(selector, 3 + sent.Count));
        Assert.Equal(3 + sent.Count, held.Entries.Count);
        return held.Entries.Select(e => new StoredEntry(held.Labels, e.TimestampNs, e.Line, e.Metadata)).ToList();
    }

    /// <summary>Lambda lines of two invocations and one line outside any, with the level and request id they carry.</summary>
    private IReadOnlyList<(string Line, string? Level, string? RequestId)> SentLines() =>
    [
        ($"2026-11-30T12:00:00.101Z\t{RequestId}\tINFO\torder 1042 received", "info", RequestId),
        ($"2026-11-30T12:00:00.212Z\t{RequestId}\tWARN\tcard issuer slow, retrying", "warn", RequestId),
        ($"2026-11-30T12:00:00.487Z\t{RequestId}\tERROR\tpayment declined for order 1042", "error", RequestId),
        ($"2026-11-30T12:00:01.034Z\t{OtherRequest}\tINFO\torder 1043 received", "info", OtherRequest),
        ($$"""{"timestamp":"2026-11-30T12:00:01.120Z","level":"FATAL","requestId":"{{OtherRequest}}","message":"out of memory"}""", "fatal", OtherRequest),
        ("INIT_START Runtime Version: dotnet:10.v5", null, null),
    ];

    /// <summary>Whether the stream selector and the label filters of <paramref name="query"/> keep <paramref name="entry"/>, as LogQL reads them.</summary>
    private static bool Passes(LogQlQuery query, StoredEntry entry)
    {
        if (query.LineFilters.Count > 0)
        {
            throw new NotSupportedException($"line filters are not evaluated here: {string.Join(' ', query.LineFilters)}");
        }

        return query.StreamMatchers.All(m => Matches(m, entry.Labels.GetValueOrDefault(m.Name) ?? string.Empty))
            && query.LabelFilters.All(m => Matches(m, Value(entry, m.Name)));
    }

    private static bool Matches(LogQlMatcher matcher, string value) => matcher.Operator switch
    {
        "=" => value == matcher.Value,
        "!=" => value != matcher.Value,
        "=~" => Regex.IsMatch(value, $"^(?:{matcher.Value})$", RegexOptions.None, TimeSpan.FromSeconds(1)),
        "!~" => !Regex.IsMatch(value, $"^(?:{matcher.Value})$", RegexOptions.None, TimeSpan.FromSeconds(1)),
        _ => throw new NotSupportedException(matcher.Operator),
    };

    /// <summary>A label or structured metadata of an entry as a label filter or grouping sees it (empty when absent).</summary>
    private static string Value(StoredEntry entry, string name) =>
        entry.Labels.GetValueOrDefault(name) ?? entry.Metadata.GetValueOrDefault(name) ?? string.Empty;

    /// <summary>The lines a log query returns over the last hour, as (timestamp, line).</summary>
    private static async Task<List<(long TimestampNs, string Line)>> LogLinesAsync(RealLoki loki, string expr)
    {
        var (start, end) = Window();
        var data = await GetAsync(loki, "/loki/api/v1/query_range", ("query", expr), ("start", start), ("end", end), ("limit", "1000"), ("direction", "forward"));
        using var answer = JsonDocument.Parse($"{{\"data\":{data.GetRawText()}}}");
        return LokiQuery.ParseStreams(answer.RootElement).SelectMany(s => s.Entries).Select(e => (e.TimestampNs, e.Line)).ToList();
    }

    /// <summary>
    /// What a metric query counts over the last hour, per value of its grouping labels (joined with commas): an instant
    /// query's value, or the sum of a range query's points (steps of 1 min over ranges of 1 min count each entry once).
    /// </summary>
    private static async Task<Dictionary<string, double>> CountsAsync(RealLoki loki, string expr, bool instant, IReadOnlyList<string> grouping)
    {
        var (start, end) = Window();
        var data = instant
            ? await GetAsync(loki, "/loki/api/v1/query", ("query", expr), ("time", end))
            : await GetAsync(loki, "/loki/api/v1/query_range", ("query", expr), ("start", start), ("end", end), ("step", "60"));
        Assert.Equal(instant ? "vector" : "matrix", data.GetProperty("resultType").GetString());
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var series in data.GetProperty("result").EnumerateArray())
        {
            var metric = series.GetProperty("metric");
            var key = string.Join(',', grouping.Select(g => metric.TryGetProperty(g, out var v) ? v.GetString() : string.Empty));
            var points = instant ? [series.GetProperty("value")] : series.GetProperty("values").EnumerateArray().ToArray();
            counts[key] = points.Sum(p => double.Parse(p[1].GetString()!, CultureInfo.InvariantCulture));
        }

        return counts;
    }

    private static async Task<IReadOnlyList<string>> LabelValuesAsync(RealLoki loki, string label, string stream)
    {
        var (start, end) = Window();
        var data = await GetAsync(loki, $"/loki/api/v1/label/{label}/values", [("start", start), ("end", end), .. stream.Length > 0 ? [("query", stream)] : Array.Empty<(string, string)>()]);
        return data.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    private static async Task<JsonElement> GetAsync(RealLoki loki, string path, params (string Name, string Value)[] parameters)
    {
        var url = new Uri(loki.Url, path + "?" + string.Join('&', parameters.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}")));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (loki.Tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", loki.Tenant);
        }

        request.Headers.Add("X-Loki-Response-Encoding-Flags", "categorize-labels");
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Loki answered {(int)response.StatusCode} to GET {url}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("data").Clone();
    }

    /// <summary>The last hour, to a minute ahead, in Unix nanoseconds.</summary>
    private static (string Start, string End) Window()
    {
        var now = DateTimeOffset.UtcNow;
        return (
            (now.AddHours(-1).ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture),
            (now.AddMinutes(1).ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The Loki 3.4.6 binary of ../shared/services, unpacked; skips (or fails, see <see cref="RealLokis"/>) without it.</summary>
    private static async Task<string> LokiExecutableAsync()
    {
        var folder = RealLokis.ServicesFolderOrSkip(RealLokis.SkipMessage);
        var unsupported = OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64
            ? null
            : $"the services in {folder} are Linux x86-64 binaries; this is {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}";
        RealLokis.Fail(unsupported is not null, unsupported!);
        Skip.If(unsupported is not null, unsupported);
        var (exitCode, stdout, stderr) = await RealLokis.RunToEndAsync(Path.Combine(folder, "unpack.sh"), [LokiBinary], ProcessTimeout);
        Assert.True(exitCode == 0, $"unpack.sh {LokiBinary} exited {exitCode}: {stderr}");
        return stdout.Trim();
    }
}
