using System.Text;
using System.Text.Json;
using static LokiShipper.Cli.SubscriptionEventWriter;
using LokiShipper.Cli;
using LokiShipper.Diagnostics;
using LokiShipper.Function;
using LokiShipper.Runtime;
using LokiShipper.Sources.Kinesis;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Sources.Kinesis;

/// <summary>
/// CloudWatch Logs → Kinesis data stream → LokiShipper: records of many log groups share push requests, and a
/// partial failure names the first record not delivered, so Lambda retries the shard from there and no further back.
/// </summary>
public sealed class KinesisTests : IAsyncLifetime
{
    private readonly StringWriter _log = new();
    private readonly long _baseMs = DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds();
    private LokiReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LokiReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private ShipperFunction Handler(params (string, string)[] variables) => Composition.CreateFunction(
        TestOptions.From([("WRITE_ADDRESS", _receiver.PushUrl.ToString()), ("AWS_REGION", "eu-west-1"), .. variables]),
        new ShipperLog(_log, LogLevel.Info),
        TimeProvider.System,
        emitMetrics: false);

    private static InvocationContext Context(int seconds = 30) => new("req-kinesis", DateTimeOffset.UtcNow.AddSeconds(seconds));

    private async Task<(List<string> Failures, JsonElement Summary)> Invoke(byte[] kinesisEvent, params (string, string)[] variables)
    {
        var response = JsonDocument.Parse(await Handler(variables).HandleAsync(kinesisEvent, Context(), CancellationToken.None)).RootElement;
        var failures = response.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()!).ToList();
        var summary = JsonDocument.Parse(_log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Last()).RootElement;
        return (failures, summary);
    }

    private static byte[] ControlMessage() =>
        Gzip(RecordJson(string.Empty, string.Empty, [new SampleLogEvent(1, "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.")], "CloudwatchLogs", "CONTROL_MESSAGE"));

    private byte[] Record(string logGroup, params string[] lines) =>
        TestEvents.KinesisData(logGroup, "stream-" + logGroup.Length, lines.Select((line, i) => (_baseMs + (line.GetHashCode(StringComparison.Ordinal) & 0xffff) + i, line)).ToArray());

    [Fact]
    public void The_decoder_reads_each_record_and_names_a_bad_one_by_its_sequence_number()
    {
        var plainJson = RecordJson("/aws/lambda/plain", "s", [new SampleLogEvent(_baseMs, "not gzip'd")]);
        var kinesis = TestEvents.Kinesis(
            ControlMessage(),
            TestEvents.KinesisData("/aws/lambda/a", "s", (_baseMs, "from a")),
            plainJson,
            Encoding.UTF8.GetBytes("this is not JSON"),
            [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]);

        var items = TestSources.Read(kinesis).Items;

        Assert.Equal(Enumerable.Range(0, 5).Select(KinesisSequenceNumber), items.Select(i => i.Id));
        Assert.All(items.Where(i => i.Records.Count > 0), i => Assert.Equal(TestEvents.KinesisStreamArn, Assert.IsType<KinesisOrigin>(TestSources.OriginOf(i)).StreamArn));
        Assert.Empty(items[0].Records); // a control message holds no log lines
        Assert.Null(items[0].Error);
        Assert.Equal("from a", items[1].Records.Single().Lines.Single().Text);
        Assert.Equal("not gzip'd", items[2].Records.Single().Lines.Single().Text);
        Assert.StartsWith($"Records[3] (shardId-000000000000, sequenceNumber {KinesisSequenceNumber(3)}): kinesis.data does not hold valid subscription JSON:", items[3].Error);
        Assert.Equal($"Records[4] (shardId-000000000000, sequenceNumber {KinesisSequenceNumber(4)}): kinesis.data is truncated gzip: 13 bytes is shorter than a gzip header and trailer", items[4].Error);
    }

    [Fact]
    public async Task Records_of_several_log_groups_share_one_request_with_exact_labels_lines_and_timestamps()
    {
        var kinesis = TestEvents.Kinesis(
            ControlMessage(),
            TestEvents.KinesisData("/aws/lambda/checkout", "2026/11/22/[$LATEST]abc", (_baseMs + 1, "START checkout"), (_baseMs + 2, "END checkout")),
            TestEvents.KinesisData("/ecs/payments", "ecs/payments/7f3d", (_baseMs + 3, "payment authorised")),
            TestEvents.KinesisData("/aws/lambda/checkout", "2026/11/22/[$LATEST]def", (_baseMs + 4, "START checkout again")));

        var (failures, summary) = await Invoke(kinesis);

        Assert.Empty(failures);
        var push = Assert.Single(_receiver.Accepted);
        Assert.Equal(
            [
                """{aws_account_id="123456789012", aws_region="eu-west-1", aws_service="ecs", log_group="/ecs/payments", service_name="payments"}""",
                """{aws_account_id="123456789012", aws_region="eu-west-1", aws_service="lambda", log_group="/aws/lambda/checkout", service_name="checkout"}""",
            ],
            push.Streams.Select(s => s.LabelsText).Order(StringComparer.Ordinal));
        var checkout = push.Streams.Single(s => s.Labels["service_name"] == "checkout");
        Assert.Equal(
            [((_baseMs + 1) * 1_000_000, "START checkout", "2026/11/22/[$LATEST]abc"), ((_baseMs + 2) * 1_000_000, "END checkout", "2026/11/22/[$LATEST]abc"), ((_baseMs + 4) * 1_000_000, "START checkout again", "2026/11/22/[$LATEST]def")],
            checkout.Entries.Select(e => (e.TimestampNs, e.Line, e.Metadata["log_stream"])));
        Assert.Equal("kinesis", summary.GetProperty("source").GetString());
        Assert.Equal(4, summary.GetProperty("entries_pushed").GetInt32());
        Assert.Equal(0, summary.GetProperty("invalid_records").GetInt32());
    }

    [Fact]
    public async Task In_the_lambda_promtail_scheme_records_carry_its_kinesis_labels()
    {
        var kinesis = TestEvents.Kinesis(TestEvents.KinesisData("/aws/lambda/checkout", "s1", (_baseMs, "line")));

        await Invoke(kinesis, ("LABEL_SCHEME", "lambda-promtail"));

        Assert.Equal(
            $$"""{__aws_cloudwatch_log_group="/aws/lambda/checkout", __aws_cloudwatch_owner="123456789012", __aws_kinesis_event_source_arn="{{TestEvents.KinesisStreamArn}}", __aws_log_type="kinesis"}""",
            Assert.Single(Assert.Single(_receiver.Accepted).Streams).LabelsText);
    }

    [Fact]
    public async Task Entries_of_a_thousand_records_share_requests_up_to_BATCH_SIZE()
    {
        var records = Enumerable.Range(0, 1000).Select(r => TestEvents.KinesisData($"/aws/lambda/fn-{r % 7}", "s", (_baseMs + r, $"record {r} line 1"), (_baseMs + r, $"record {r} line 2"))).ToArray();

        var (failures, summary) = await Invoke(TestEvents.Kinesis(records));

        Assert.Empty(failures);
        Assert.Equal(2000, _receiver.Accepted.Sum(p => p.EntryCount));
        Assert.Single(_receiver.Received); // ~40 KB of lines: one request at the default 1 MiB BATCH_SIZE
        Assert.Equal(7, _receiver.Accepted.Single().Streams.Count);
        Assert.Equal(2000, summary.GetProperty("entries_pushed").GetInt32());
    }

    [Fact]
    public async Task A_malformed_record_in_the_middle_is_named_and_skipped_and_the_records_around_it_are_shipped()
    {
        var kinesis = TestEvents.Kinesis(
            Record("/aws/lambda/a", "r0"),
            Record("/aws/lambda/a", "r1"),
            Encoding.UTF8.GetBytes("{\"messageType\":\"DATA_MESSAGE\""),
            Record("/aws/lambda/a", "r3"),
            Record("/aws/lambda/a", "r4"));

        var (failures, summary) = await Invoke(kinesis);

        // Retrying cannot fix it, so it does not hold the shard: it is named, counted and skipped.
        Assert.Empty(failures);
        Assert.Equal(["r0", "r1", "r3", "r4"], _receiver.Accepted.SelectMany(p => p.Streams).SelectMany(s => s.Entries).Select(e => e.Line).Order(StringComparer.Ordinal));
        Assert.Equal(1, summary.GetProperty("invalid_records").GetInt32());
        Assert.False(summary.GetProperty("ok").GetBoolean());
        Assert.StartsWith(
            $"1 of 5 records cannot be decoded and are skipped (they stay in the stream for its retention period): Records[2] (shardId-000000000000, sequenceNumber {KinesisSequenceNumber(2)}): kinesis.data does not hold valid subscription JSON",
            summary.GetProperty("error").GetString());
    }

    [Fact]
    public async Task When_Loki_refuses_the_second_batch_the_first_record_with_an_entry_in_it_is_reported()
    {
        // Six records of one stream, two entries each, three entries per request (122 bytes of labels + 3 × 23 bytes
        // of line and log_stream = 191 fit in 200; a fourth entry would make 214):
        // batch 0 = r0e0 r0e1 r1e0, batch 1 = r1e1 r2e0 r2e1, batch 2 = r3e0 r3e1 r4e0, batch 3 = r4e1 r5e0 r5e1.
        var records = Enumerable.Range(0, 6).Select(r => TestEvents.KinesisData("/aws/lambda/a", "s", (_baseMs + (2 * r), $"r{r}e0 padding"), (_baseMs + (2 * r) + 1, $"r{r}e1 padding"))).ToArray();
        _receiver.Rule = (http, push) => push.Streams.Any(s => s.Entries.Any(e => e.Line.StartsWith("r1e1", StringComparison.Ordinal)))
            ? LokiReceiver.Status(403, "tenant forbidden")(http, push)
            : _receiver.Accept(http, push);

        var (failures, summary) = await Invoke(TestEvents.Kinesis(records), ("BATCH_SIZE", "200"), ("PUSH_CONCURRENCY", "1"));

        Assert.Equal(4, summary.GetProperty("batches").GetInt32());
        Assert.Equal([1], summary.GetProperty("failed_batches").EnumerateArray().Select(b => b.GetInt32()));
        Assert.Equal([KinesisSequenceNumber(1)], failures);
        Assert.Equal(9, summary.GetProperty("entries_pushed").GetInt32());
        Assert.Equal(3, summary.GetProperty("entries_failed").GetInt32());
        Assert.Equal(
            $"Lambda retries the shard from record 1 (sequenceNumber {KinesisSequenceNumber(1)}) of 6: 1 of 4 batches could not be delivered (3 entries): batch 1: Loki answered 403 Forbidden, which retrying cannot fix: tenant forbidden",
            summary.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_failed_push_is_reported_even_when_a_malformed_record_comes_before_it()
    {
        _receiver.Rule = (http, push) => push.Streams.Any(s => s.Labels["log_group"] == "/aws/lambda/refused")
            ? LokiReceiver.Status(403, "tenant forbidden")(http, push)
            : _receiver.Accept(http, push);
        var kinesis = TestEvents.Kinesis(
            Record("/aws/lambda/ok", "r0"),
            Encoding.UTF8.GetBytes("garbage"),
            Record("/aws/lambda/ok", "r2"),
            Record("/aws/lambda/refused", "r3"),
            Record("/aws/lambda/ok", "r4"));

        // One entry per request, so the refused log group's request holds record 3 alone.
        var (failures, summary) = await Invoke(kinesis, ("BATCH_SIZE", "40"));

        Assert.Equal([KinesisSequenceNumber(3)], failures);
        Assert.Equal(["r0", "r2", "r4"], _receiver.Accepted.SelectMany(p => p.Streams).SelectMany(s => s.Entries).Select(e => e.Line).Order(StringComparer.Ordinal));
        Assert.Equal(1, summary.GetProperty("invalid_records").GetInt32());
        var error = summary.GetProperty("error").GetString()!;
        Assert.StartsWith($"Lambda retries the shard from record 3 (sequenceNumber {KinesisSequenceNumber(3)}) of 5: 1 of 4 batches could not be delivered (1 entries): batch ", error);
        Assert.Contains($" || 1 of 5 records cannot be decoded and are skipped (they stay in the stream for its retention period): Records[1] (shardId-000000000000, sequenceNumber {KinesisSequenceNumber(1)})", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_Loki_stays_unavailable_the_records_after_the_delivered_ones_are_retried_from_the_first_not_delivered()
    {
        _receiver.Rule = (http, push) => push.Streams.Any(s => s.Entries.Any(e => e.Line is "r3" or "r4"))
            ? LokiReceiver.Status(503, "no healthy upstream")(http, push)
            : _receiver.Accept(http, push);
        var kinesis = TestEvents.Kinesis(Enumerable.Range(0, 5).Select(r => Record("/aws/lambda/a", $"r{r}")).ToArray());

        // One entry per request; a 3 s deadline, so the retry budget runs out after about 2 s.
        var response = JsonDocument.Parse(await Handler(("BATCH_SIZE", "40")).HandleAsync(kinesis, Context(seconds: 3), CancellationToken.None)).RootElement;

        Assert.Equal([KinesisSequenceNumber(3)], response.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()));
        Assert.Equal(["r0", "r1", "r2"], _receiver.Accepted.SelectMany(p => p.Streams).SelectMany(s => s.Entries).Select(e => e.Line).Order(StringComparer.Ordinal));
        Assert.Contains("retry budget", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_Loki_refuses_as_too_old_are_counted_not_retried()
    {
        var stale = DateTimeOffset.UtcNow.AddDays(-8).ToUnixTimeMilliseconds();
        _receiver.Rule = _receiver.RefuseOlderThan(DateTimeOffset.UtcNow.AddDays(-7).ToUnixTimeMilliseconds() * 1_000_000, LokiVersion.Loki3);
        var kinesis = TestEvents.Kinesis(
            TestEvents.KinesisData("/aws/lambda/a", "s1", (_baseMs, "fresh 1"), (stale, "stale 1")),
            TestEvents.KinesisData("/aws/lambda/a", "s2", (_baseMs + 1, "fresh 2")));

        var (failures, summary) = await Invoke(kinesis);

        Assert.Empty(failures);
        Assert.Equal(2, _receiver.Received.Count); // Loki 3 names one error without a count: the two others are pushed again to verify
        Assert.Equal(2, summary.GetProperty("entries_pushed").GetInt32());
        Assert.Equal(1, summary.GetProperty("rejected").GetProperty("too_old").GetInt32());
        Assert.Equal(1, summary.GetProperty("verification_pushes").GetInt32());
        Assert.True(summary.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Control_messages_and_the_shippers_own_log_group_are_not_failures()
    {
        var kinesis = TestEvents.Kinesis(ControlMessage(), Record("/aws/lambda/loki-shipper", "our own summary"), Record("/aws/lambda/a", "shipped"));

        var (failures, summary) = await Invoke(kinesis, ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/loki-shipper"));

        Assert.Empty(failures);
        Assert.Equal("shipped", Assert.Single(Assert.Single(Assert.Single(_receiver.Accepted).Streams).Entries).Line);
        Assert.Equal(1, summary.GetProperty("dropped").GetProperty("own_log_group").GetInt32());
    }

    [Fact]
    public void Lambdas_record_of_a_kinesis_batch_in_the_failure_queue_says_where_the_lines_are()
    {
        var onFailure = """
            {"requestContext":{"requestId":"c9b8fa9f-5a7f-4c2f-af9c-0c604cde93a5","functionArn":"arn:aws:lambda:eu-west-1:123456789012:function:loki-shipper","condition":"RecordAgeExceeded","approximateInvokeCount":3},
             "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":null},"version":"1.0","timestamp":"2026-11-22T17:00:00.000Z",
             "KinesisBatchInfo":{"shardId":"shardId-000000000001","startSequenceNumber":"4959001","endSequenceNumber":"4959099","approximateArrivalOfFirstRecord":"2026-11-22T11:00:00.000Z","approximateArrivalOfLastRecord":"2026-11-22T11:00:01.000Z","batchSize":99,"streamArn":"arn:aws:kinesis:eu-west-1:123456789012:stream/loki-shipper-logs"}}
            """;

        var item = TestSources.Read(TestEvents.Sqs(("m-k", onFailure))).Items.Single();

        Assert.Equal(
            "Records[0] (messageId m-k): body is Lambda's record of a Kinesis batch it gave up on (stream arn:aws:kinesis:eu-west-1:123456789012:stream/loki-shipper-logs, shardId-000000000001, sequence numbers 4959001 to 4959099, 99 records); it holds no log lines: read them from the stream while it retains them",
            item.Error);
    }

    [Fact]
    public async Task A_record_without_a_sequence_number_fails_the_whole_invocation_so_Lambda_bisects_the_batch()
    {
        var kinesis = Encoding.UTF8.GetBytes("""{"Records":[{"eventSource":"aws:kinesis","kinesis":{"data":"e30="}}]}""");

        var ex = await Assert.ThrowsAsync<InvocationFailedException>(() => Handler().HandleAsync(kinesis, Context(), CancellationToken.None));

        Assert.Equal("InvalidEvent", ex.ErrorType);
        Assert.Equal("Records[0]: kinesis.sequenceNumber is missing or not a string", ex.Message);
        Assert.Empty(_receiver.Received);
    }
}
