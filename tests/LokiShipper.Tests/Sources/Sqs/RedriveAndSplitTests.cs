using System.Text;
using System.Text.Json;
using LokiShipper.Diagnostics;
using LokiShipper.Function;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Sources.Sqs;

/// <summary>SQS redrive of the failure queue, batch splitting on "too large", and the EMF metrics line.</summary>
public sealed class RedriveAndSplitTests : IAsyncLifetime
{
    private LokiReceiver _receiver = null!;
    private readonly StringWriter _log = new();
    private readonly long _baseMs = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();

    public async Task InitializeAsync() => _receiver = await LokiReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private ShipperFunction Handler(params (string, string)[] variables) => Composition.CreateFunction(
        TestOptions.From([("WRITE_ADDRESS", _receiver.PushUrl.ToString()), ("AWS_LAMBDA_FUNCTION_NAME", "lokishipper-shipper"), .. variables]),
        new ShipperLog(_log, LogLevel.Info),
        TimeProvider.System);

    private static InvocationContext Context() => new("req", DateTimeOffset.UtcNow.AddSeconds(30));

    private List<JsonElement> LogLines() => _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public void The_decoder_reads_failure_records_raw_events_and_names_bad_messages()
    {
        var original = TestEvents.CloudWatch("/aws/lambda/a", "s", (1, "from failure record"));
        var raw = TestEvents.CloudWatch("/aws/lambda/b", "s", (2, "raw event"));
        var sqs = TestEvents.Sqs(("m-1", TestEvents.FailureRecord(original)), ("m-2", Encoding.UTF8.GetString(raw)), ("m-3", "not json"), ("m-4", """{"requestPayload":{"Records":[]}}"""));

        var queue = TestSources.Read(sqs);

        Assert.Equal(["m-1", "m-2", "m-3", "m-4"], queue.Items.Select(i => i.Id));
        Assert.Equal("from failure record", queue.Items[0].Records.Single().Lines.Single().Text);
        Assert.Equal("/aws/lambda/b", TestSources.OriginOf(queue.Items[1]).LogGroup);
        Assert.StartsWith("Records[2] (messageId m-3): body is not valid JSON:", queue.Items[2].Error);
        Assert.Equal("Records[3] (messageId m-4): body.requestPayload is not a CloudWatch Logs subscription event", queue.Items[3].Error);
    }

    [Fact]
    public void A_bad_payload_inside_a_failure_record_names_the_message_and_the_field()
    {
        var sqs = TestEvents.Sqs(("m-9", """{"requestPayload":{"awslogs":{"data":"***"}}}"""));

        var item = TestSources.Read(sqs).Items.Single();

        Assert.Equal("Records[0] (messageId m-9): body.requestPayload.awslogs.data is not valid base64", item.Error);
    }

    [Fact]
    public async Task Redrive_ships_good_messages_and_returns_only_the_failed_ones_to_the_queue()
    {
        _receiver.Rule = (http, push) => push.Streams.Any(s => s.Entries.Any(e => e.Line.Contains("POISON", StringComparison.Ordinal)))
            ? LokiReceiver.Status(403, "tenant disabled")(http, push)
            : _receiver.Accept(http, push);
        var good = TestEvents.CloudWatch("/aws/lambda/good", "s", (_baseMs, "good line 1"), (_baseMs + 1, "good line 2"));
        var poison = TestEvents.CloudWatch("/aws/lambda/poison", "s", (_baseMs, "POISON"));
        var sqs = TestEvents.Sqs(("m-good", TestEvents.FailureRecord(good)), ("m-poison", TestEvents.FailureRecord(poison)), ("m-bad", "{}"));

        var response = Encoding.UTF8.GetString(await Handler().HandleAsync(sqs, Context(), CancellationToken.None));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-poison"},{"itemIdentifier":"m-bad"}]}""", response);
        var stored = _receiver.Accepted.SelectMany(p => p.Streams).Where(s => s.Labels["log_group"] == "/aws/lambda/good").SelectMany(s => s.Entries).ToList();
        Assert.Equal(["good line 1", "good line 2"], stored.Select(e => e.Line));
        var summary = LogLines()[0];
        Assert.Equal(3, summary.GetProperty("entries_in").GetInt32());
        Assert.Equal(2, summary.GetProperty("entries_pushed").GetInt32());
        Assert.Equal(1, summary.GetProperty("entries_failed").GetInt32());
        Assert.Equal(1, summary.GetProperty("invalid_messages").GetInt32());
        Assert.Equal(["m-poison", "m-bad"], summary.GetProperty("batch_item_failures").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task The_sample_redrive_event_ships_the_original_lines()
    {
        var response = Encoding.UTF8.GetString(await Handler().HandleAsync(File.ReadAllBytes(TestEvents.SamplePath("sqs-redrive.json")), Context(), CancellationToken.None));

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        Assert.Equal(4, Assert.Single(_receiver.Received).EntryCount);
    }

    [Fact]
    public async Task A_failure_record_saved_from_the_queue_can_be_replayed_on_its_own()
    {
        var original = TestEvents.CloudWatch("/aws/lambda/replay", "s", (_baseMs, "replayed line"));

        var response = Encoding.UTF8.GetString(await Handler().HandleAsync(Encoding.UTF8.GetBytes(TestEvents.FailureRecord(original)), Context(), CancellationToken.None));

        Assert.Contains("\"entries_in\":1,\"entries_pushed\":1,", response);
        Assert.Equal("replayed line", Assert.Single(_receiver.Accepted).Streams.Single().Entries.Single().Line);
    }

    [Fact]
    public async Task A_batch_refused_as_too_large_is_split_until_it_fits()
    {
        // Loki (or its proxy) refuses any request of more than 3 entries, as a 413 or as the gRPC limit.
        var refusals = 0;
        _receiver.Rule = (http, push) => push.EntryCount <= 3
            ? _receiver.Accept(http, push)
            : (Interlocked.Increment(ref refusals) % 2 == 1
                ? LokiReceiver.Status(413, "Request Entity Too Large")
                : LokiReceiver.Status(500, "rpc error: code = ResourceExhausted desc = grpc: received message larger than max (5242880 vs. 4194304)"))(http, push);

        var events = Enumerable.Range(0, 10).Select(i => (_baseMs + i, $"line {i}")).ToArray();

        var response = Encoding.UTF8.GetString(await Handler().HandleAsync(TestEvents.CloudWatch("/aws/lambda/big", "s", events), Context(), CancellationToken.None));

        var delivered = _receiver.Accepted.SelectMany(p => p.Streams).SelectMany(s => s.Entries).OrderBy(e => e.TimestampNs).Select(e => e.Line);
        Assert.Equal(events.Select(e => e.Item2), delivered);
        Assert.All(_receiver.Accepted, p => Assert.True(p.EntryCount <= 3));
        Assert.Contains("\"entries_in\":10,\"entries_pushed\":10,", response);
        Assert.Contains("\"splits\":3", response); // 10 → 5+5 → (2+3)+(2+3)
        Assert.Equal(3, refusals);
    }

    [Fact]
    public async Task A_single_entry_too_large_fails_the_invocation_and_says_so()
    {
        _receiver.Enqueue(LokiReceiver.Status(413, "Request Entity Too Large"));

        var ex = await Assert.ThrowsAsync<InvocationFailedException>(() =>
            Handler().HandleAsync(TestEvents.CloudWatch("/aws/lambda/big", "s", (_baseMs, "one")), Context(), CancellationToken.None));

        Assert.Contains("batch 0: Loki refused 1 entries", ex.Message);
        Assert.Contains("as too large: HTTP 413: Request Entity Too Large", ex.Message);
    }

    [Fact]
    public async Task When_both_halves_of_a_split_fail_the_batch_is_counted_once()
    {
        _receiver.Rule = LokiReceiver.Status(413, "Request Entity Too Large");

        var ex = await Assert.ThrowsAsync<InvocationFailedException>(() =>
            Handler().HandleAsync(TestEvents.CloudWatch("/aws/lambda/big", "s", (_baseMs, "one"), (_baseMs + 1, "two")), Context(), CancellationToken.None));

        Assert.StartsWith("1 of 1 batches could not be delivered (2 entries; Lambda will retry the event): batch 0: Loki refused 1 entries", ex.Message);
        Assert.Contains("\"failed_batches\":[0]", _log.ToString());
    }

    [Fact]
    public async Task Each_invocation_also_writes_an_emf_metrics_line()
    {
        await Handler().HandleAsync(TestEvents.CloudWatch("/aws/lambda/m", "s", (_baseMs, "a"), (_baseMs + 1, "b")), Context(), CancellationToken.None);

        var emf = LogLines()[1];
        var directive = emf.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal("LokiShipper", directive.GetProperty("Namespace").GetString());
        Assert.Equal(["FunctionName"], directive.GetProperty("Dimensions")[0].EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(
            ["EntriesIn", "EntriesPushed", "EntriesRejected", "EntriesDropped", "EntriesFailed", "MetadataDropped", "InvalidRecords", "Retries", "BytesSent", "PushLatency"],
            directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()));
        Assert.Equal("lokishipper-shipper", emf.GetProperty("FunctionName").GetString());
        Assert.Equal(2, emf.GetProperty("EntriesIn").GetInt32());
        Assert.Equal(2, emf.GetProperty("EntriesPushed").GetInt32());
        Assert.Equal(_receiver.Received.Single().BodyBytes, emf.GetProperty("BytesSent").GetInt32());
        Assert.InRange(emf.GetProperty("_aws").GetProperty("Timestamp").GetInt64(), _baseMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
}
