using System.Text.Json;
using System.Text.RegularExpressions;

namespace LokiShipper.Tests.Local;

/// <summary>
/// Checks a Grafana dashboard against what LokiShipper sends (default label scheme): every query selects streams by
/// the stream labels the shipper sets and filters, after the selector, only by the structured metadata it sends; every
/// variable a query uses is defined; every panel and variable reads the provisioned Loki data source. Returns the
/// problems found, each naming the panel or variable and the query, rather than asserting, so that it can be shown to
/// find them.
/// </summary>
internal static partial class DashboardChecker
{
    /// <summary>
    /// Stream labels under <c>LABEL_SCHEME=readable</c>: docs/labels.md (CloudWatch Logs, Kinesis), and
    /// <c>log_type</c> of S3 log files (docs/s3.md).
    /// </summary>
    public static readonly IReadOnlySet<string> StreamLabels = new HashSet<string>(StringComparer.Ordinal)
    {
        "service_name", "aws_service", "log_group", "aws_account_id", "aws_region", "log_type",
    };

    /// <summary>
    /// Structured metadata the shipper sends: <c>log_stream</c> (CloudWatch Logs), <c>level</c> and
    /// <c>request_id</c> (Lambda lines), FireLens's container and task fields, and the bucket and key of S3 log files.
    /// </summary>
    public static readonly IReadOnlySet<string> StructuredMetadata = new HashSet<string>(StringComparer.Ordinal)
    {
        "log_stream", "level", "request_id",
        "container_name", "container_id", "ecs_cluster", "ecs_task_arn", "ecs_task_definition", "source",
        "s3_bucket", "s3_key",
    };

    /// <summary>Every problem of the dashboard <paramref name="dashboard"/> with the data source <paramref name="datasourceUid"/>.</summary>
    public static IReadOnlyList<string> Check(JsonElement dashboard, string datasourceUid)
    {
        var problems = new List<string>();
        var variables = Variables(dashboard);
        foreach (var duplicate in variables.GroupBy(v => v.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"variable ${duplicate.Key} is defined {duplicate.Count()} times");
        }

        var byName = variables.DistinctBy(v => v.Name).ToDictionary(v => v.Name, StringComparer.Ordinal);
        foreach (var variable in dashboard.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            var name = variable.GetProperty("name").GetString()!;
            if (variable.GetProperty("type").GetString() == "query")
            {
                problems.AddRange(Datasource(variable, datasourceUid).Select(p => $"variable ${name}: {p}"));
                problems.AddRange(VariableQuery(variable, byName).Select(p => $"variable ${name}: {p}"));
            }
        }

        var panels = Panels(dashboard).ToList();
        if (panels.Count == 0)
        {
            problems.Add("the dashboard has no panels");
        }

        foreach (var panel in panels)
        {
            var title = $"panel '{Text(panel, "title")}'";
            if (!panel.TryGetProperty("targets", out var targets) || targets.GetArrayLength() == 0)
            {
                if (Text(panel, "type") is not ("text" or "row"))
                {
                    problems.Add($"{title} has no queries");
                }

                continue;
            }

            problems.AddRange(Datasource(panel, datasourceUid).Select(p => $"{title}: {p}"));
            foreach (var target in targets.EnumerateArray())
            {
                var where = $"{title}, query {Text(target, "refId")}";
                problems.AddRange(Datasource(target, datasourceUid).Select(p => $"{where}: {p}"));
                if (Text(target, "expr") is not { Length: > 0 } expr)
                {
                    problems.Add($"{where} has no expr");
                    continue;
                }

                problems.AddRange(CheckQuery(expr, byName).Select(p => $"{where}: {p}"));
            }
        }

        return problems;
    }

    /// <summary>
    /// The problems of one LogQL query: variables not in <paramref name="variables"/> (nor Grafana's own); what the
    /// parser cannot read; stream selectors on anything but <see cref="StreamLabels"/>; label filters on anything but
    /// <see cref="StructuredMetadata"/>; multi-value variables where Grafana's <c>a|b</c> would not be read as a regex;
    /// and, with the variables replaced (each variable's "All" value, and a value typed in), strings LogQL cannot read,
    /// regular expressions that do not compile, and a selector that matches every stream (Loki refuses it).
    /// </summary>
    public static IReadOnlyList<string> CheckQuery(string expr, IReadOnlyDictionary<string, DashboardVariable> variables)
    {
        var problems = new List<string>();
        var undefined = GrafanaTemplate.VariablesIn(expr)
            .Where(name => !variables.ContainsKey(name) && !GrafanaTemplate.BuiltIn.ContainsKey(name))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        problems.AddRange(undefined.Select(name => $"${name} is not a variable of the dashboard: {expr}"));

        LogQlQuery query;
        try
        {
            query = LogQlQuery.Parse(expr);
        }
        catch (FormatException ex)
        {
            problems.Add(ex.Message);
            return problems;
        }

        foreach (var matcher in query.StreamMatchers.Where(m => !StreamLabels.Contains(m.Name)))
        {
            problems.Add(StructuredMetadata.Contains(matcher.Name)
                ? $"{matcher.Name} is structured metadata, not a stream label: filter it after the selector (| {matcher}): {expr}"
                : $"the selector uses {matcher.Name}, which is not a stream label the shipper sets ({string.Join(", ", StreamLabels)}): {expr}");
        }

        foreach (var filter in query.LabelFilters.Where(m => !StructuredMetadata.Contains(m.Name)))
        {
            problems.Add(StreamLabels.Contains(filter.Name)
                ? $"{filter.Name} is a stream label: select it in {{…}} rather than filtering every line (| {filter}): {expr}"
                : $"the label filter | {filter} uses {filter.Name}, which is not structured metadata the shipper sends ({string.Join(", ", StructuredMetadata)}): {expr}");
        }

        foreach (var label in query.Grouping.Where(l => !StreamLabels.Contains(l) && !StructuredMetadata.Contains(l)))
        {
            problems.Add($"grouped by {label}, which is neither a stream label nor structured metadata the shipper sends: {expr}");
        }

        foreach (var matcher in query.StreamMatchers.Concat(query.LabelFilters))
        {
            var multi = GrafanaTemplate.VariablesIn(matcher.Value).Where(v => variables.TryGetValue(v, out var d) && d.MultiValue).ToList();
            if (multi.Count > 0 && (!matcher.IsRegex || matcher.Quote != '"'))
            {
                problems.Add($"{matcher} holds the multi-value variable ${multi[0]}: Grafana writes several values as a|b, escaped for a double-quoted string, which only =~ or !~ in \"…\" reads: {expr}");
            }
        }

        if (undefined.Count > 0)
        {
            return problems; // nothing to replace them with
        }

        foreach (var values in SampleValues(variables))
        {
            problems.AddRange(CheckInterpolated(GrafanaTemplate.Interpolate(expr, values)));
        }

        return problems;
    }

    /// <summary>The template variables of <paramref name="dashboard"/>.</summary>
    public static IReadOnlyList<DashboardVariable> Variables(JsonElement dashboard) =>
        dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => new DashboardVariable(
            v.GetProperty("name").GetString()!,
            v.GetProperty("type").GetString()!,
            Flag(v, "multi") || Flag(v, "includeAll"),
            Text(v, "allValue") is { Length: > 0 } all ? all : null)).ToList();

    /// <summary>Every query of every panel, panels in collapsed rows included.</summary>
    public static IReadOnlyList<DashboardPanelQuery> Queries(JsonElement dashboard) =>
        Panels(dashboard)
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => new DashboardPanelQuery(
                Text(p, "title") ?? string.Empty,
                Text(p, "type") ?? string.Empty,
                Text(t, "refId") ?? string.Empty,
                Text(t, "expr") ?? string.Empty,
                Text(t, "queryType") == "instant")))
            .ToList();

    /// <summary>
    /// The stream selector and label of a label-values variable: <c>{"type":1,"label":…,"stream":…}</c> as Grafana's
    /// Loki variable editor saves it, or the older text <c>label_values(label)</c> / <c>label_values({…}, label)</c>.
    /// </summary>
    public static (string Label, string Stream) LabelValuesQuery(JsonElement variable)
    {
        var query = variable.GetProperty("query");
        if (query.ValueKind == JsonValueKind.Object)
        {
            if (!query.TryGetProperty("type", out var type) || type.GetInt32() != 1)
            {
                throw new FormatException($"not a label values query (type 1): {query.GetRawText()}");
            }

            return (query.GetProperty("label").GetString() ?? string.Empty, Text(query, "stream") ?? string.Empty);
        }

        var text = query.GetString() ?? string.Empty;
        var match = LabelValuesText().Match(text);
        return match.Success
            ? (match.Groups[2].Value, match.Groups[1].Value)
            : throw new FormatException($"not label_values(label) or label_values({{…}}, label): {text}");
    }

    private static IEnumerable<string> VariableQuery(JsonElement variable, IReadOnlyDictionary<string, DashboardVariable> variables)
    {
        (string Label, string Stream) query;
        try
        {
            query = LabelValuesQuery(variable);
        }
        catch (FormatException ex)
        {
            return [ex.Message];
        }

        var problems = new List<string>();
        if (!StreamLabels.Contains(query.Label))
        {
            problems.Add($"lists the values of {query.Label}, which is not a stream label the shipper sets");
        }

        if (query.Stream.Length > 0)
        {
            problems.AddRange(CheckQuery(query.Stream, variables));
        }

        return problems;
    }

    /// <summary>Problems of a query with its variables replaced: what Loki itself would refuse.</summary>
    private static IEnumerable<string> CheckInterpolated(string expr)
    {
        LogQlQuery query;
        try
        {
            query = LogQlQuery.Parse(expr);
        }
        catch (FormatException ex)
        {
            return [$"with its variables replaced: {ex.Message}"];
        }

        var problems = new List<string>();
        foreach (var matcher in query.StreamMatchers.Concat(query.LabelFilters).Where(m => m.IsRegex))
        {
            try
            {
                _ = new Regex(matcher.Value, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                problems.Add($"with its variables replaced, {matcher} is not a regular expression ({ex.Message}): {expr}");
            }
        }

        if (query.StreamMatchers.All(MatchesEmpty))
        {
            problems.Add($"with its variables replaced, every matcher of the selector matches an empty value, which Loki refuses: {expr}");
        }

        return problems;
    }

    /// <summary>Whether a matcher also matches streams without the label (Loki needs one matcher that does not).</summary>
    private static bool MatchesEmpty(LogQlMatcher matcher) => matcher.Operator switch
    {
        "=" => matcher.Value.Length == 0,
        "=~" => Regex.IsMatch(string.Empty, $"^(?:{matcher.Value})$", RegexOptions.None, TimeSpan.FromSeconds(1)),
        _ => true,
    };

    /// <summary>
    /// Values to try each query with: every variable at "All" (or empty), then a value typed in: two values with a
    /// dot for multi-value variables (escaped by Grafana), a request id for the others.
    /// </summary>
    private static IEnumerable<IReadOnlyDictionary<string, string>> SampleValues(IReadOnlyDictionary<string, DashboardVariable> variables)
    {
        yield return variables.Values.ToDictionary(
            v => v.Name,
            v => v.MultiValue ? v.AllValue ?? GrafanaTemplate.MultiValue("checkout-api", "orders.api") : string.Empty,
            StringComparer.Ordinal);
        yield return variables.Values.ToDictionary(
            v => v.Name,
            v => v.MultiValue ? GrafanaTemplate.MultiValue("checkout-api", "orders.api") : GrafanaTemplate.SingleValue("8a1c0f4e-5b2d"),
            StringComparer.Ordinal);
    }

    private static IEnumerable<string> Datasource(JsonElement element, string uid)
    {
        if (!element.TryGetProperty("datasource", out var datasource) || datasource.ValueKind != JsonValueKind.Object)
        {
            return [$"no datasource {{\"type\":\"loki\",\"uid\":\"{uid}\"}}"];
        }

        return (Text(datasource, "type"), Text(datasource, "uid")) == ("loki", uid)
            ? []
            : [$"datasource {datasource.GetRawText()}, not the provisioned Loki (type loki, uid {uid})"];
    }

    private static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in nested.EnumerateArray())
                {
                    yield return inner;
                }
            }
        }
    }

    [GeneratedRegex(@"^label_values\((?:(\{.*\})\s*,\s*)?(\w+)\)$")]
    private static partial Regex LabelValuesText();

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Flag(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
