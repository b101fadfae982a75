using System.Text.Json;
using Xunit.Abstractions;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.EndToEnd;

/// <summary>
/// The CLI process against real Lokis (../shared/services), and how their answers are read back. The in-process
/// handler's cases, with their accounting, are in <see cref="AccountingOnRealLokiTests"/>.
/// </summary>
public sealed class RealLokiTests(ITestOutputHelper output)
{
    private const string Region = "eu-west-1";
    private const string LogStream = "2026/11/22/[$LATEST]7f3d2c1b0a9e48d6b5c4a3f2e1d0c9b8";

    private static readonly string[] PlainLines =
    [
        "START RequestId: 1e1b7551-8a3c-4c1e-9d55-2b6f0f3f8a10 Version: $LATEST",
        "  ünïcödé ✓ 🚀 \"quoted\" \\ back\\slash\tand a tab  ",
        "{\"level\":\"info\",\"msg\":\"order \\\"42\\\" paid\",\"path\":\"C:\\\\orders\"}",
        "END RequestId: 1e1b7551-8a3c-4c1e-9d55-2b6f0f3f8a10",
    ];

    private readonly string _id = Guid.NewGuid().ToString("N");

    // Recent timestamps: Loki refuses entries older than 7 days (and too far in the future).
    private readonly long _baseMs = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();

    [SkippableTheory]
    [InlineData("2")]
    [InlineData("3")]
    public async Task The_cli_ships_a_plain_event_and_its_summary_counts_what_loki_holds(string flavour)
    {
        var loki = await LokiAsync(flavour);
        var function = $"real-cli-{_id}";
        var logGroup = $"/aws/lambda/{function}";
        var file = Path.Combine(Path.GetTempPath(), $"lokishipper-real-{_id}.json");
        await File.WriteAllBytesAsync(file, TestEvents.CloudWatch(logGroup, LogStream, [.. PlainLines.Select((l, i) => (_baseMs + i, l))]));
        ChildRun run;
        try
        {
            run = await ChildProcess.RunCliAsync(
                new Dictionary<string, string>(loki.ShipperVariables.Select(v => new KeyValuePair<string, string>(v.Name, v.Value))) { ["AWS_REGION"] = Region },
                "invoke",
                file);
        }
        finally
        {
            File.Delete(file);
        }

        output.WriteLine(run.Stderr);
        var summaryLine = Assert.Single(run.Stderr.Split('\n'), l => l.StartsWith("{\"event\":", StringComparison.Ordinal));
        using var summary = JsonDocument.Parse(summaryLine);
        var selector = LokiQuery.Selector("log_group", logGroup);
        var streams = await loki.Query.StoredStreamsAsync(selector, PlainLines.Length);
        var held = await loki.Query.CountAsync(selector);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(0, run.StdoutBytes); // not a dry run: nothing printed, all sent
        Assert.Equal(
            (PlainLines.Length, PlainLines.Length, PlainLines.Length),
            (held, summary.RootElement.GetProperty("entries_in").GetInt64(), summary.RootElement.GetProperty("entries_pushed").GetInt64()));
        var stream = Assert.Single(streams);
        AssertStoredExactly(loki, stream, PlainLines, LabelsSent(function, logGroup));
    }

    [Fact]
    public void A_categorized_loki_3_answer_parses_into_labels_entries_and_structured_metadata()
    {
        // What Loki 3.4.6 answers with X-Loki-Response-Encoding-Flags: categorize-labels (recorded from the real binary).
        const string Answer = """
            {"status":"success","data":{"resultType":"streams","encodingFlags":["categorize-labels"],"result":[
              {"stream":{"log_group":"/aws/lambda/x1","service_name":"x1"},
               "values":[["1796041603431389789","line one",{"structuredMetadata":{"detected_level":"unknown","log_stream":"s1"}}],
                         ["1796041603431389790","plain \"line\"",{}]]}],
             "stats":{"summary":{"totalEntriesReturned":2}}}}
            """;
        const string Loki2 = """
            {"status":"success","data":{"resultType":"streams","result":[
              {"stream":{"log_group":"/aws/lambda/x1","service_name":"x1"},"values":[["1796041629412168543","plain"]]}]}}
            """;

        using var loki3 = JsonDocument.Parse(Answer);
        using var loki2 = JsonDocument.Parse(Loki2);
        var stream = Assert.Single(LokiQuery.ParseStreams(loki3.RootElement));
        var old = Assert.Single(LokiQuery.ParseStreams(loki2.RootElement));

        Assert.Equal("{log_group=\"/aws/lambda/x1\", service_name=\"x1\"}", stream.LabelsText);
        Assert.Equal(new Dictionary<string, string> { ["log_group"] = "/aws/lambda/x1", ["service_name"] = "x1" }, stream.Labels);
        Assert.Equal([(1796041603431389789L, "line one"), (1796041603431389790L, "plain \"line\"")], stream.Entries.Select(e => (e.TimestampNs, e.Line)));
        Assert.Equal(new Dictionary<string, string> { ["detected_level"] = "unknown", ["log_stream"] = "s1" }, stream.Entries[0].Metadata);
        Assert.Empty(stream.Entries[1].Metadata);
        Assert.Equal((1796041629412168543L, "plain"), (old.Entries.Single().TimestampNs, old.Entries.Single().Line));
        Assert.Empty(old.Entries.Single().Metadata);
        Assert.Equal("{log_group=\"/aws/lambda/x1\"}", LokiQuery.Selector("log_group", "/aws/lambda/x1"));
        Assert.Equal("{log_group=\"a\\\"b\\\\c\"}", LokiQuery.Selector("log_group", "a\"b\\c"));
    }

    private async Task<RealLoki> LokiAsync(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        output.WriteLine(loki.Description);
        return loki;
    }

    private static Dictionary<string, string> LabelsSent(string function, string logGroup) => new()
    {
        ["service_name"] = function,
        ["aws_service"] = "lambda",
        ["log_group"] = logGroup,
        ["aws_account_id"] = TestEvents.Owner,
        ["aws_region"] = Region,
    };

    /// <summary>
    /// Exact lines and nanoseconds in order; the labels sent among those stored (Loki 3 may add its own); the log
    /// stream as structured metadata where Loki keeps it, and no metadata where it does not.
    /// </summary>
    private void AssertStoredExactly(RealLoki loki, ReceivedStream stream, string[] lines, Dictionary<string, string> labelsSent)
    {
        Assert.Equal(lines, stream.Entries.Select(e => e.Line));
        Assert.Equal(lines.Select((_, i) => (_baseMs + i) * 1_000_000), stream.Entries.Select(e => e.TimestampNs));
        Assert.Subset(stream.Labels.ToHashSet(), labelsSent.ToHashSet());
        Assert.DoesNotContain("log_stream", stream.Labels.Keys);
        if (loki.StoresStructuredMetadata)
        {
            Assert.All(stream.Entries, e => Assert.Equal(LogStream, e.Metadata["log_stream"]));
        }
        else
        {
            Assert.All(stream.Entries, e => Assert.Empty(e.Metadata));
        }
    }
}
