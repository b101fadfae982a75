using System.Text.Json;
using System.Text.RegularExpressions;
using LokiShipper.Cli;
using LokiShipper.Tests.Support;
using static LokiShipper.Tests.Local.LocalStack;

namespace LokiShipper.Tests.Local;

/// <summary>
/// Keeps deploy/local (docker compose with Loki 3 and Grafana) honest without Docker: the compose file, Grafana's
/// provisioning, the Loki config and the dashboard are read as they are in the repository and checked against each
/// other and against what the shipper sends. What only running the images would show is in
/// <see cref="DashboardOnRealLokiTests"/> (as far as a real Loki 3 binary shows it) and in deploy/local/README.md.
/// </summary>
public sealed partial class LocalStackFilesTests
{
    private readonly Dictionary<object, object> _compose = Yaml("docker-compose.yml");
    private readonly Dictionary<object, object> _loki = Yaml("loki/loki.yaml");
    private readonly Dictionary<object, object> _datasources = Yaml("grafana/provisioning/datasources/loki.yaml");
    private readonly Dictionary<object, object> _dashboards = Yaml("grafana/provisioning/dashboards/dashboards.yaml");

    private Dictionary<object, object> Service(string name) => Map(_compose, "services", name);

    private IEnumerable<(string Source, string Target)> Mounts(string service) =>
        List(Service(service), "volumes").Cast<string>().Select(v =>
        {
            var parts = v.Split(':');
            return (parts[0], parts[1]);
        });

    private string MountTarget(string service, string source) =>
        Assert.Single(Mounts(service), m => m.Source == source).Target;

    private string DatasourceUid => Text(Single(_datasources, "datasources"), "uid")!;

    private static Dictionary<object, object> Single(Dictionary<object, object> root, string list) =>
        (Dictionary<object, object>)Assert.Single(List(root, list));

    [Fact]
    public void Compose_starts_loki_3_and_grafana_from_pinned_images()
    {
        Assert.Equal(["grafana", "loki"], Keys(Map(_compose, "services")).Order(StringComparer.Ordinal));
        Assert.Matches(@"^grafana/loki:3\.\d+\.\d+$", Text(Service("loki"), "image"));
        Assert.Matches(@"^grafana/grafana:1[12]\.\d+\.\d+$", Text(Service("grafana"), "image"));
        Assert.Equal(["loki"], List(Service("grafana"), "depends_on").Cast<string>());
    }

    [Fact]
    public void Compose_publishes_loki_on_3100_and_grafana_on_3000_where_each_listens()
    {
        Assert.Equal(["3100:3100"], List(Service("loki"), "ports").Cast<string>());
        Assert.Equal(["3000:3000"], List(Service("grafana"), "ports").Cast<string>());
        Assert.Equal("3100", Text(_loki, "server", "http_listen_port"));
    }

    [Fact]
    public void Every_file_compose_mounts_is_in_the_repository_and_every_volume_is_declared()
    {
        var declared = Keys(Map(_compose, "volumes"));
        var mounts = Mounts("loki").Concat(Mounts("grafana")).ToList();

        Assert.Equal(5, mounts.Count);
        foreach (var (source, target) in mounts)
        {
            Assert.StartsWith("/", target, StringComparison.Ordinal);
            if (source.StartsWith('.'))
            {
                var path = Path(source[2..]);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{source} (mounted at {target}) is not in {Folder}");
            }
            else
            {
                Assert.Contains(source, declared);
            }
        }

        Assert.All(List(Service("loki"), "volumes").Cast<string>().Concat(List(Service("grafana"), "volumes").Cast<string>()).Where(v => v.StartsWith('.')), v => Assert.EndsWith(":ro", v, StringComparison.Ordinal));
    }

    [Fact]
    public void Loki_runs_the_config_of_the_repository_and_keeps_its_data_in_its_volume()
    {
        Assert.Equal([$"-config.file={MountTarget("loki", "./loki/loki.yaml")}"], List(Service("loki"), "command").Cast<string>());
        var data = MountTarget("loki", "loki-data");
        Assert.Equal(data, Text(_loki, "common", "path_prefix"));
        Assert.StartsWith(data + "/", Text(_loki, "common", "storage", "filesystem", "chunks_directory"), StringComparison.Ordinal);
        Assert.StartsWith(data + "/", Text(_loki, "common", "storage", "filesystem", "rules_directory"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_loki_config_allows_structured_metadata_on_schema_v13_with_level_detection()
    {
        var active = Map(List(_loki, "schema_config", "configs").Last());

        Assert.Equal("false", Text(_loki, "auth_enabled")); // one tenant: neither Grafana nor the CLI sends X-Scope-OrgID
        Assert.Equal(("tsdb", "v13", "filesystem"), (Text(active, "store"), Text(active, "schema"), Text(active, "object_store")));
        Assert.Equal("true", Text(_loki, "limits_config", "allow_structured_metadata"));
        Assert.Equal("true", Text(_loki, "limits_config", "discover_log_levels"));
        Assert.Equal("true", Text(_loki, "limits_config", "volume_enabled"));
        Assert.Equal("true", Text(_loki, "pattern_ingester", "enabled"));
    }

    [Fact]
    public void Grafana_provisions_the_loki_of_the_compose_file_as_its_default_data_source()
    {
        var datasource = Single(_datasources, "datasources");

        Assert.Equal("1", Text(_datasources, "apiVersion"));
        Assert.Equal(("loki", "proxy", "true"), (Text(datasource, "type"), Text(datasource, "access"), Text(datasource, "isDefault")));
        Assert.Equal($"http://loki:{Text(_loki, "server", "http_listen_port")}", Text(datasource, "url"));
        Assert.Contains("loki", Keys(Map(_compose, "services"))); // the host name in the url is the compose service
        Assert.Matches("^[a-zA-Z0-9_-]{1,40}$", DatasourceUid);
        Assert.Equal("/etc/grafana/provisioning", MountTarget("grafana", "./grafana/provisioning"));
        Assert.True(File.Exists(Path("grafana/provisioning/datasources/loki.yaml")));
    }

    [Fact]
    public void Grafana_loads_the_dashboards_from_the_folder_compose_mounts()
    {
        var provider = Single(_dashboards, "providers");
        var mounted = MountTarget("grafana", "./grafana/dashboards");
        var home = Text(Service("grafana"), "environment", "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")!;

        Assert.Equal("1", Text(_dashboards, "apiVersion"));
        Assert.Equal("file", Text(provider, "type"));
        Assert.Equal(mounted, Text(provider, "options", "path"));
        Assert.Equal(["lokishipper.json"], Directory.GetFiles(Path("grafana/dashboards")).Select(System.IO.Path.GetFileName));
        Assert.StartsWith(mounted + "/", home, StringComparison.Ordinal);
        Assert.True(File.Exists(Path("grafana/dashboards/" + home[(mounted.Length + 1)..])), $"the home dashboard {home} is not in the mounted folder");
    }

    [Fact]
    public void Grafana_lets_anyone_in_as_admin_and_the_compose_file_and_readme_say_it_is_for_local_use()
    {
        var environment = Map(Service("grafana"), "environment");

        Assert.Equal("true", environment["GF_AUTH_ANONYMOUS_ENABLED"]);
        Assert.Equal("Admin", environment["GF_AUTH_ANONYMOUS_ORG_ROLE"]);
        Assert.Contains("For local use only", File.ReadAllText(Path("docker-compose.yml")), StringComparison.Ordinal);
        Assert.Contains("**For local use only.**", File.ReadAllText(Path("README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_dashboard_uses_only_what_the_shipper_sends_and_the_provisioned_data_source()
    {
        using var dashboard = Json("grafana/dashboards/lokishipper.json");

        var problems = DashboardChecker.Check(dashboard.RootElement, DatasourceUid);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_dashboard_has_the_panels_and_variables_of_issue_15()
    {
        using var dashboard = Json("grafana/dashboards/lokishipper.json");
        var queries = DashboardChecker.Queries(dashboard.RootElement);
        var variables = DashboardChecker.Variables(dashboard.RootElement).ToDictionary(v => v.Name, v => v.Type);
        var parsed = queries.Select(q => (Query: q, LogQl: LogQlQuery.Parse(q.Expr))).ToList();

        Assert.Equal("query", variables["service"]);
        Assert.Equal("query", variables["aws_service"]);
        Assert.Equal("textbox", variables["request_id"]);
        void Has(string what, Func<DashboardPanelQuery, LogQlQuery, bool> panel) =>
            Assert.True(parsed.Any(p => panel(p.Query, p.LogQl)), $"no panel {what}: {string.Join(" ; ", queries.Select(q => q.Expr))}");

        Has("of log volume by service_name", (q, l) => q.PanelType == "timeseries" && l.Grouping.SequenceEqual(["service_name"]));
        Has("of log volume by aws_service", (q, l) => q.PanelType == "timeseries" && l.Grouping.SequenceEqual(["aws_service"]));
        Has("of errors by level", (_, l) => l.Grouping.SequenceEqual(["level"]) && l.LabelFilters.Any(f => f.Name == "level" && f.Value == "error|fatal"));
        Has("of logs filtered by the request_id variable", (q, l) => q.PanelType == "logs" && !l.IsMetric && l.LabelFilters.Any(f => f.Name == "request_id" && GrafanaTemplate.VariablesIn(f.Value).Contains("request_id")));
        Assert.All(parsed, p => Assert.Contains(p.LogQl.StreamMatchers, m => m.Name == "service_name" && m.Value == "$service"));
        Assert.Equal(
            [("aws_service", ""), ("service_name", "{aws_service=~\"$aws_service\"}")],
            dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
                .Where(v => v.GetProperty("type").GetString() == "query")
                .Select(DashboardChecker.LabelValuesQuery));
    }

    [Fact]
    public void The_readme_shows_each_panels_query_as_the_dashboard_has_it()
    {
        using var dashboard = Json("grafana/dashboards/lokishipper.json");
        var readme = File.ReadAllText(Path("README.md"));
        var rows = ReadmeQueryRow().Matches(readme).ToDictionary(m => m.Groups["panel"].Value, m => m.Groups["query"].Value.Replace("\\|", "|", StringComparison.Ordinal));

        Assert.Equal(
            DashboardChecker.Queries(dashboard.RootElement).Select(q => (q.Panel, q.Expr)).Order(),
            rows.Select(r => (r.Key, r.Value)).Order());
    }

    [Fact]
    public void The_readme_starts_the_compose_file_and_ships_the_sample_lines_and_events_that_exist()
    {
        var readme = File.ReadAllText(Path("README.md"));

        Assert.Contains("docker compose -f deploy/local/docker-compose.yml up -d", readme, StringComparison.Ordinal);
        Assert.Contains("export WRITE_ADDRESS=http://localhost:3100 ", readme, StringComparison.Ordinal);
        foreach (var file in new[] { "deploy/local/sample-lambda-lines.txt", "events/cloudwatch-logs.json", "events/kinesis-cloudwatch.json" })
        {
            Assert.Contains(" " + file, readme, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(TestEvents.SamplePath("cloudwatch-logs.json")));
        Assert.True(File.Exists(TestEvents.SamplePath("kinesis-cloudwatch.json")));
    }

    /// <summary>The README's <c>events cloudwatch --message-file</c>, then <c>invoke</c> (a dry run): every sample line ships, with the readable labels.</summary>
    [Fact]
    public async Task The_readmes_sample_lines_make_an_event_that_ships_every_line()
    {
        var lines = await File.ReadAllLinesAsync(Path("sample-lambda-lines.txt"));
        var environment = new Dictionary<string, string> { ["AWS_REGION"] = "eu-west-1" };
        using var eventJson = new MemoryStream();
        var made = await new CliApp(eventJson, TextWriter.Null, environment.GetValueOrDefault, TimeProvider.System)
            .RunAsync(["events", "cloudwatch", "--log-group", "/aws/lambda/orders-api", "--message-file", Path("sample-lambda-lines.txt")]);
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lokishipper-local-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(file, eventJson.ToArray());
        using var pushes = new MemoryStream();
        int shipped;
        try
        {
            shipped = await new CliApp(pushes, TextWriter.Null, environment.GetValueOrDefault, TimeProvider.System).RunAsync(["invoke", "--dry-run", file]);
        }
        finally
        {
            File.Delete(file);
        }

        var streams = System.Text.Encoding.UTF8.GetString(pushes.ToArray())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(line => JsonDocument.Parse(line).RootElement.GetProperty("streams").EnumerateArray().Select(s => s.Clone()))
            .ToList();

        Assert.Equal((0, 0), (made, shipped));
        Assert.Equal(11, lines.Length);
        Assert.Contains(lines, l => l.Split('\t') is [_, _, "ERROR", _]);
        var stream = Assert.Single(streams);
        Assert.Equal(lines, stream.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()));
        Assert.Equal(
            ("orders-api", "lambda", "/aws/lambda/orders-api", "eu-west-1"),
            (Label(stream, "service_name"), Label(stream, "aws_service"), Label(stream, "log_group"), Label(stream, "aws_region")));
    }

    /// <summary>The labels the checker allows are those docs/labels.md and docs/s3.md list for the readable scheme.</summary>
    [Fact]
    public void The_stream_labels_the_checker_allows_are_the_documented_ones()
    {
        static IEnumerable<string> Documented(string doc, string section)
        {
            var text = File.ReadAllText(RepoFiles.Path(doc));
            var start = text.IndexOf(section, StringComparison.Ordinal);
            Assert.True(start >= 0, $"no '{section}' in {doc}");
            var end = text.IndexOf("\n## ", start + section.Length, StringComparison.Ordinal);
            return DocumentedLabel().Matches(text[start..(end < 0 ? text.Length : end)]).Select(m => m.Groups[1].Value);
        }

        var documented = Documented("docs/labels.md", "## `LABEL_SCHEME=readable` (default)")
            .Concat(Documented("docs/s3.md", "## Labels"))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(documented.Order(StringComparer.Ordinal), DashboardChecker.StreamLabels.Order(StringComparer.Ordinal));
    }

    private static string? Label(JsonElement stream, string name) =>
        stream.TryGetProperty("stream", out var labels) && labels.TryGetProperty(name, out var value) ? value.GetString() : null;

    // A row of the README's panel table: | title | `query` | (pipes in the query escaped as \|).
    [GeneratedRegex(@"^\| (?<panel>[^|`]+?) \| `(?<query>(?:[^`])+)` \|$", RegexOptions.Multiline)]
    private static partial Regex ReadmeQueryRow();

    // A table row naming a label: | `name` | ….
    [GeneratedRegex(@"^\| `([a-z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex DocumentedLabel();
}
