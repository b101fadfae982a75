using System.Text;
using System.Text.Json;
using Xunit.Abstractions;
using LokiShipper.Diagnostics;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.EndToEnd;

/// <summary>
/// Every line accounted for, on every Loki users run: the real handler pushes to real Lokis 2.7.5, 3.4.6, 3.4.6
/// upgraded from 2.x (structured metadata disallowed) and 3.4.6 multi-tenant, and each case compares the summary
/// with what Loki then holds (query_range): the lines and nanosecond timestamps stored, and counts that add up, with
/// <c>entries_pushed</c> equal to what Loki holds. Each case prints one row of the accounting table (run with
/// <c>--logger "console;verbosity=detailed"</c> to see them).
/// </summary>
public sealed class AccountingOnRealLokiTests(ITestOutputHelper output)
{
    private static readonly long Day = (long)TimeSpan.FromDays(1).TotalMilliseconds;
    private static readonly long Hour = (long)TimeSpan.FromHours(1).TotalMilliseconds;

    private readonly string _id = Guid.NewGuid().ToString("N")[..10];
    private readonly long _nowMs = DateTimeOffset.UtcNow.AddSeconds(-30).ToUnixTimeMilliseconds();

    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task A_plain_lambda_event_arrives_whole(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        var lines = new[] { "START RequestId: 5e1f Version: $LATEST", "payment ✓ authorised for \"ünïcödé\" \\ tab\there", "END RequestId: 5e1f", "REPORT RequestId: 5e1f\tDuration: 12.3 ms" };
        var events = lines.Select((l, i) => (_nowMs + i, l)).ToArray();

        var run = await InvokeAsync(loki, TestEvents.CloudWatch(Group("lambda"), "2026/11/30/[$LATEST]aa", events));

        var held = await AssertAccountedAsync(loki, "plain Lambda event", run, expectedPushed: 4, expectedRejected: []);
        Assert.Equal(events.Select(e => (e.Item1 * 1_000_000, e.l)), held.Select(e => (e.TimestampNs, e.Line)));
        Assert.All(held, e => Assert.Equal(loki.StoresStructuredMetadata ? "2026/11/30/[$LATEST]aa" : null, e.Metadata.GetValueOrDefault("log_stream")));
        var stream = Assert.Single(await loki.Query.ReadAllAsync(LokiQuery.Selector("test_case", _id)));
        Assert.Subset(stream.Labels.ToHashSet(), new Dictionary<string, string>
        {
            ["service_name"] = $"acct-{_id}-lambda",
            ["aws_service"] = "lambda",
            ["log_group"] = Group("lambda"),
            ["aws_account_id"] = TestEvents.Owner,
            ["aws_region"] = "eu-west-1",
            ["test_case"] = _id,
        }.ToHashSet());
        Assert.DoesNotContain("log_stream", stream.Labels.Keys);
    }

    /// <summary>Loki 2 cannot read structured metadata in JSON and refuses the whole body: it goes again without it.</summary>
    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task A_json_push_arrives_whole_with_metadata_where_loki_takes_it(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        var events = new[] { (_nowMs, "json one"), (_nowMs + 1, "json \"two\" ✓") };

        var run = await InvokeAsync(loki, TestEvents.CloudWatch(Group("json"), "s-json", events), ("LOKI_PUSH_FORMAT", "json"));

        var held = await AssertAccountedAsync(loki, "plain event, LOKI_PUSH_FORMAT=json", run, expectedPushed: 2, expectedRejected: [], metadataRefused: flavour is "2" or "3-upgraded");
        Assert.Equal(events.Select(e => (e.Item1 * 1_000_000, e.Item2)), held.Select(e => (e.TimestampNs, e.Line)));
        Assert.All(held, e => Assert.Equal(loki.StoresStructuredMetadata ? "s-json" : null, e.Metadata.GetValueOrDefault("log_stream")));
    }

    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task The_1_4_mb_sample_arrives_whole(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        var corpus = TestEvents.Loghub("OpenStack_2k.log")!;
        var events = Enumerable.Range(0, 3500).Select(i => (_nowMs - 3500 + i, corpus[i % corpus.Length])).ToArray();

        var run = await InvokeAsync(loki, TestEvents.CloudWatch(Group("ecs"), "openstack", events));

        var held = await AssertAccountedAsync(loki, "1.4 MB sample (3,500 lines)", run, expectedPushed: 3500, expectedRejected: []);
        Assert.Equal(events.Select(e => (e.Item1 * 1_000_000, e.Item2)), held.Select(e => (e.TimestampNs, e.Line)));

        // The same entries read in pages of 1,000 (query_range stops at its limit; the reader pages on).
        var paged = Assert.Single(await loki.Query.ReadAllAsync(LokiQuery.Selector("test_case", _id), pageSize: 1000));
        Assert.Equal(held.Select(e => (e.TimestampNs, e.Line)), paged.Entries.Select(e => (e.TimestampNs, e.Line)));
    }

    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task Too_old_entries_among_fresh_ones_in_one_stream_are_refused_exactly(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        var old = _nowMs - (10 * Day);
        var events = new[] { (old, "old 1"), (old + 1, "old 2"), (old + 2, "old 3"), (_nowMs, "fresh 1"), (_nowMs + 1, "fresh 2") };

        var run = await InvokeAsync(loki, TestEvents.CloudWatch(Group("lambda"), "s", events));

        var held = await AssertAccountedAsync(loki, "3 too old + 2 fresh, one stream", run, expectedPushed: 2, expectedRejected: [("too_old", 3)]);
        Assert.Equal(["fresh 1", "fresh 2"], held.Select(e => e.Line));
    }

    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task Too_old_entries_in_two_streams_of_a_kinesis_event_are_refused_exactly(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        var old = _nowMs - (9 * Day);
        var kinesis = TestEvents.Kinesis(
            TestEvents.KinesisData(Group("a"), "s", (old, "a old 1"), (old + 1, "a old 2"), (_nowMs, "a fresh")),
            TestEvents.KinesisData(Group("b"), "s", (old, "b old 1"), (old + 1, "b old 2"), (old + 2, "b old 3"), (_nowMs + 1, "b fresh")));

        var run = await InvokeAsync(loki, kinesis);

        Assert.Equal("""{"batchItemFailures":[]}""", run.Response);
        var held = await AssertAccountedAsync(loki, "too old in 2 streams (Kinesis)", run, expectedPushed: 2, expectedRejected: [("too_old", 5)]);
        Assert.Equal(["a fresh", "b fresh"], held.Select(e => e.Line).Order(StringComparer.Ordinal));
    }

    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task Lines_over_loki_3s_limit_with_max_line_size_0_are_refused_by_loki_3_and_stored_by_loki_2(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        var events = new[] { (_nowMs, "short 1"), (_nowMs + 1, new string('x', 300_000)), (_nowMs + 2, "short 2"), (_nowMs + 3, new string('y', 262_145)) };

        var run = await InvokeAsync(loki, TestEvents.CloudWatch(Group("lambda"), "s", events), ("MAX_LINE_SIZE", "0"));

        var held = loki.IsLoki3
            ? await AssertAccountedAsync(loki, "2 lines over 256 KiB, MAX_LINE_SIZE=0", run, expectedPushed: 2, expectedRejected: [("line_too_long", 2)])
            : await AssertAccountedAsync(loki, "2 lines over 256 KiB, MAX_LINE_SIZE=0", run, expectedPushed: 4, expectedRejected: []);
        Assert.Equal(loki.IsLoki3 ? [7, 7] : [7, 300_000, 7, 262_145], held.Select(e => e.Line.Length));
    }

    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task An_invalid_label_from_extra_labels_refuses_its_streams(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        var events = new[] { (_nowMs, "one"), (_nowMs + 1, "two"), (_nowMs + 2, "three") };

        // A label value over Loki's max_label_value_length (2,048): every stream carries it.
        var run = await InvokeAsync(loki, TestEvents.CloudWatch(Group("lambda"), "s", events), ("EXTRA_LABELS", $"test_case,{_id},team,{new string('t', 3000)}"));

        var held = await AssertAccountedAsync(loki, "EXTRA_LABELS value of 3,000 chars", run, expectedPushed: 0, expectedRejected: [("invalid_labels", 3)]);
        Assert.Empty(held);
    }

    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task A_kinesis_event_with_one_record_refused_stores_the_others_and_retries_nothing(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        var old = _nowMs - (8 * Day);
        var kinesis = TestEvents.Kinesis(
            TestEvents.KinesisData(Group("a"), "s1", (_nowMs, "a 1"), (_nowMs + 1, "a 2")),
            TestEvents.KinesisData(Group("b"), "s1", (old, "b old 1"), (old + 1, "b old 2"), (old + 2, "b old 3")),
            TestEvents.KinesisData(Group("c"), "s1", (_nowMs + 2, "c 1")));

        var run = await InvokeAsync(loki, kinesis);

        Assert.Equal("""{"batchItemFailures":[]}""", run.Response);
        var held = await AssertAccountedAsync(loki, "Kinesis, 1 of 3 records too old", run, expectedPushed: 3, expectedRejected: [("too_old", 3)]);
        Assert.Equal(["a 1", "a 2", "c 1"], held.Select(e => e.Line).Order(StringComparer.Ordinal));
    }

    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task An_sqs_redrive_with_one_message_refused_stores_the_other_and_returns_nothing_to_the_queue(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        var old = _nowMs - (8 * Day);
        var sqs = TestEvents.Sqs(
            ("m-fresh", TestEvents.FailureRecord(TestEvents.CloudWatch(Group("a"), "s", (_nowMs, "fresh 1"), (_nowMs + 1, "fresh 2")))),
            ("m-old", TestEvents.FailureRecord(TestEvents.CloudWatch(Group("b"), "s", (old, "old 1"), (old + 1, "old 2")))));

        var run = await InvokeAsync(loki, sqs);

        Assert.Equal("""{"batchItemFailures":[]}""", run.Response);
        var held = await AssertAccountedAsync(loki, "SQS redrive, 1 of 2 messages too old", run, expectedPushed: 2, expectedRejected: [("too_old", 2)]);
        Assert.Equal(["fresh 1", "fresh 2"], held.Select(e => e.Line));
    }

    /// <summary>
    /// Loki does not report the ingester's refusals beside the distributor's, nor for any stream but a request's last:
    /// entries too far behind their stream's newest (which Loki got a minute ahead, from another invocation) would be
    /// refused unseen. Old entries go one stream per request, and what a 400 hides is found out by pushing it again.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task Refusals_loki_hides_behind_another_error_are_found_out(string flavour)
    {
        var loki = await RealLokis.GetAsync(flavour);
        var late = Group("late");
        var setup = await InvokeAsync(loki, TestEvents.CloudWatch(late, "s", (_nowMs + 60_000, "newest")));
        Assert.Contains("\"entries_pushed\":1,", setup.Summary.GetRawText());
        var behind = _nowMs - (2 * Hour);
        var kinesis = TestEvents.Kinesis(
            TestEvents.KinesisData(late, "s", (behind, "behind 1"), (behind + 1, "behind 2"), (_nowMs + 5, "late but fine")),
            TestEvents.KinesisData(Group("old"), "s", (_nowMs - (10 * Day), "old 1"), (_nowMs - (10 * Day) + 1, "old 2"), (_nowMs + 6, "fresh")));

        var run = await InvokeAsync(loki, kinesis);

        var held = await AssertAccountedAsync(loki, "too old hides 2 too far behind (Kinesis)", run, expectedPushed: 2, expectedRejected: [("entry_too_far_behind", 2), ("too_old", 2)], alreadyHeld: 1);
        Assert.Equal(["fresh", "late but fine", "newest"], held.Select(e => e.Line).Order(StringComparer.Ordinal));

    }

    private string Group(string name) => $"/aws/lambda/acct-{_id}-{name}";

    private sealed record Run(JsonElement Summary, string Response);

    private async Task<Run> InvokeAsync(RealLoki loki, byte[] payload, params (string Name, string Value)[] variables)
    {
        var log = new StringWriter();
        var settings = new List<(string, string)>([.. loki.ShipperVariables, ("AWS_REGION", "eu-west-1"), .. variables]);
        if (!variables.Any(v => v.Name == "EXTRA_LABELS"))
        {
            settings.Add(("EXTRA_LABELS", $"test_case,{_id}"));
        }

        var handler = Composition.CreateFunction(TestOptions.From([.. settings]), new ShipperLog(log, LogLevel.Info), TimeProvider.System);
        var response = Encoding.UTF8.GetString(await handler.HandleAsync(payload, new InvocationContext("acct", DateTimeOffset.UtcNow.AddSeconds(60)), CancellationToken.None));
        var summaryLine = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.Contains("\"entries_in\"", StringComparison.Ordinal));
        return new Run(JsonDocument.Parse(summaryLine).RootElement.Clone(), response);
    }

    /// <summary>
    /// Reads what Loki holds for this test's streams and checks the summary against it: in = pushed + rejected + dropped
    /// + failed, the rejections by reason, metadata dropped exactly where Loki refuses it, and pushed = held.
    /// </summary>
    /// <param name="metadataRefused">This Loki refuses the request's structured metadata (default: 3-upgraded, the only one that does over protobuf).</param>
    private async Task<IReadOnlyList<ReceivedEntry>> AssertAccountedAsync(RealLoki loki, string name, Run run, int expectedPushed, (string Reason, int Count)[] expectedRejected, int alreadyHeld = 0, bool? metadataRefused = null)
    {
        var summary = run.Summary;
        var streams = await loki.Query.StoredStreamsAsync(LokiQuery.Selector("test_case", _id), expectedPushed + alreadyHeld);
        var held = streams.SelectMany(s => s.Entries).OrderBy(e => e.TimestampNs).ToList();
        var rejected = summary.GetProperty("rejected").EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())).ToList();
        int Count(string field) => summary.GetProperty(field).GetInt32();
        var metadataDropped = Count("metadata_dropped");

        output.WriteLine($"| Loki {loki.Flavour} | {name} | {Count("entries_in")} | {Count("entries_pushed")} | {(rejected.Count == 0 ? "–" : string.Join(", ", rejected.Select(r => $"{r.Name} {r.Item2}")))} | {metadataDropped} | {held.Count - alreadyHeld} | {(summary.TryGetProperty("verification_pushes", out var v) ? v.GetInt32() : 0)} |");
        Assert.Equal(Count("entries_in"), Count("entries_pushed") + Count("entries_rejected") + summary.GetProperty("dropped").EnumerateObject().Sum(p => p.Value.GetInt32()) + Count("entries_failed"));
        Assert.Equal(expectedRejected.OrderBy(r => r.Reason, StringComparer.Ordinal).ToList(), rejected);
        Assert.Equal(expectedPushed, Count("entries_pushed"));
        Assert.Equal(expectedPushed, held.Count - alreadyHeld);
        Assert.Equal(await loki.Query.CountAsync(LokiQuery.Selector("test_case", _id)), held.Count);
        Assert.Equal((metadataRefused ?? loki.Flavour == "3-upgraded") ? expectedPushed : 0, metadataDropped);
        return held;
    }
}
