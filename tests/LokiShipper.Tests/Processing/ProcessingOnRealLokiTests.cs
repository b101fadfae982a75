using System.Text;
using System.Text.Json;
using LokiShipper.Diagnostics;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;
using Xunit.Abstractions;

namespace LokiShipper.Tests.Processing;

/// <summary>
/// The line stage through the real handler into the real Lokis: what each stores (lines, nanosecond timestamps,
/// structured metadata where the flavour keeps it), and a summary that still accounts for every line that came in.
/// </summary>
public sealed class ProcessingOnRealLokiTests(ITestOutputHelper output)
{
    private const string RequestId = "6f1c7e4a-2b3d-4c5e-8f90-a1b2c3d4e5f6";

    private readonly string _id = Guid.NewGuid().ToString("N")[..10];
    private readonly long _nowMs = DateTimeOffset.UtcNow.AddSeconds(-30).ToUnixTimeMilliseconds();

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task A_lambda_invocation_with_a_split_trace_is_joined_filtered_redacted_and_understood(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        var frames = Enumerable.Range(1, 39).Select(i => $"\tat com.example.orders.Step{i}.run(Step{i}.java:{i * 10})").ToArray();
        string[] lines =
        [
            $"START RequestId: {RequestId} Version: $LATEST",
            $"{Time(_nowMs + 1)}\t{RequestId}\tINFO\tGET /healthcheck 200",
            $"{Time(_nowMs + 2)}\t{RequestId}\tINFO\tcharging order 42 for bob@example.com",
            $"{Time(_nowMs + 3)}\t{RequestId}\tERROR\tjava.lang.IllegalStateException: card declined",
            .. frames,
            $"END RequestId: {RequestId}",
        ];
        var events = lines.Select((l, i) => (_nowMs + i, l)).ToArray();
        var logGroup = $"/aws/lambda/proc-{_id}";

        var summary = await InvokeAsync(
            loki,
            TestEvents.CloudWatch(logGroup, "2026/11/30/[$LATEST]proc", events),
            ("MULTILINE", "java"),
            ("LAMBDA_PLATFORM_LINES", "drop"),
            ("EXCLUDE_PATTERN", "/healthcheck"),
            ("REDACT", "email"));

        var trace = string.Join('\n', [lines[3], .. frames]);
        var stored = Assert.Single(await loki.Query.StoredStreamsAsync(LokiQuery.Selector("test_case", _id), 2)).Entries;
        Assert.Equal(
            [((_nowMs + 2) * 1_000_000, $"{Time(_nowMs + 2)}\t{RequestId}\tINFO\tcharging order 42 for [REDACTED:email]"), ((_nowMs + 3) * 1_000_000, trace)],
            stored.Select(e => (e.TimestampNs, e.Line)));
        if (loki.StoresStructuredMetadata)
        {
            Assert.Equal(["info", "error"], stored.Select(e => e.Metadata["level"]));
            Assert.All(stored, e => Assert.Equal(RequestId, e.Metadata["request_id"]));
            Assert.Equal(["info", "error"], stored.Select(e => e.Metadata["detected_level"])); // Loki 3 reads ours
        }
        else
        {
            Assert.All(stored, e => Assert.False(e.Metadata.ContainsKey("request_id")));
        }

        int Count(string field) => summary.GetProperty(field).GetInt32();
        var dropped = summary.GetProperty("dropped").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        output.WriteLine($"| Loki {loki.Flavour} | in {Count("entries_in")} | pushed {Count("entries_pushed")} | joined {Count("lines_joined")} | dropped {string.Join(", ", dropped)} | metadata_dropped {Count("metadata_dropped")} |");
        Assert.Equal((lines.Length, 2, 39, 1), (Count("entries_in"), Count("entries_pushed"), Count("lines_joined"), Count("lines_redacted")));
        Assert.Equal(new Dictionary<string, int> { ["excluded"] = 1, ["platform"] = 2 }, dropped);
        Assert.Equal(Count("entries_in"), Count("entries_pushed") + Count("entries_rejected") + dropped.Values.Sum() + Count("entries_failed") + Count("lines_joined"));
        Assert.Equal(flavour == "3-upgraded" ? 2 : 0, Count("metadata_dropped"));
    }

    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task A_firelens_record_stores_its_log_with_the_container_as_metadata(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        const string Record = """{"container_id":"c0ffee","container_name":"web","ecs_cluster":"prod","ecs_task_arn":"arn:aws:ecs:eu-west-1:111122223333:task/prod/0a1b","ecs_task_definition":"web:42","log":"POST /orders 201 \"ünïcödé\"","source":"stdout"}""";

        var summary = await InvokeAsync(loki, TestEvents.CloudWatch($"/ecs/proc-{_id}", "web/web/0a1b", (_nowMs, Record)));

        var entry = Assert.Single(Assert.Single(await loki.Query.StoredStreamsAsync(LokiQuery.Selector("test_case", _id), 1)).Entries);
        Assert.Equal((_nowMs * 1_000_000, "POST /orders 201 \"ünïcödé\""), (entry.TimestampNs, entry.Line));
        Assert.Equal(1, summary.GetProperty("entries_pushed").GetInt32());
        if (loki.StoresStructuredMetadata)
        {
            Assert.Equal(
                [("container_name", "web"), ("container_id", "c0ffee"), ("ecs_cluster", "prod"), ("ecs_task_arn", "arn:aws:ecs:eu-west-1:111122223333:task/prod/0a1b"), ("ecs_task_definition", "web:42"), ("source", "stdout")],
                ((string[])["container_name", "container_id", "ecs_cluster", "ecs_task_arn", "ecs_task_definition", "source"]).Select(name => (name, entry.Metadata[name])));
        }
    }

    private async Task<JsonElement> InvokeAsync(RealLoki loki, byte[] payload, params (string Name, string Value)[] variables)
    {
        var log = new StringWriter();
        var options = TestOptions.From([.. loki.ShipperVariables, ("AWS_REGION", "eu-west-1"), ("EXTRA_LABELS", $"test_case,{_id}"), .. variables]);
        var handler = Composition.CreateFunction(options, new ShipperLog(log, LogLevel.Info), TimeProvider.System);
        await handler.HandleAsync(payload, new InvocationContext("proc", DateTimeOffset.UtcNow.AddSeconds(60)), CancellationToken.None);
        var summaryLine = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.Contains("\"entries_in\"", StringComparison.Ordinal));
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(summaryLine));
        return document.RootElement.Clone();
    }
}
