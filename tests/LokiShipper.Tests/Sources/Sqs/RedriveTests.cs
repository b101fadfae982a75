using System.Text;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Sources.Sqs;

/// <summary>SQS redrive of the failure queue: good messages ship, failed ones return to the queue, failure records replay.</summary>
public sealed class RedriveTests : FunctionAgainstReceiver
{
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
        Receiver.Rule = (http, push) => push.Streams.Any(s => s.Entries.Any(e => e.Line.Contains("POISON", StringComparison.Ordinal)))
            ? LokiReceiver.Status(403, "tenant disabled")(http, push)
            : Receiver.Accept(http, push);
        var good = TestEvents.CloudWatch("/aws/lambda/good", "s", (BaseMs, "good line 1"), (BaseMs + 1, "good line 2"));
        var poison = TestEvents.CloudWatch("/aws/lambda/poison", "s", (BaseMs, "POISON"));
        var sqs = TestEvents.Sqs(("m-good", TestEvents.FailureRecord(good)), ("m-poison", TestEvents.FailureRecord(poison)), ("m-bad", "{}"));

        var response = Encoding.UTF8.GetString(await Handler().HandleAsync(sqs, Context(), CancellationToken.None));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-poison"},{"itemIdentifier":"m-bad"}]}""", response);
        var stored = Receiver.Accepted.SelectMany(p => p.Streams).Where(s => s.Labels["log_group"] == "/aws/lambda/good").SelectMany(s => s.Entries).ToList();
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
        Assert.Equal(4, Assert.Single(Receiver.Received).EntryCount);
    }

    [Fact]
    public async Task A_failure_record_saved_from_the_queue_can_be_replayed_on_its_own()
    {
        var original = TestEvents.CloudWatch("/aws/lambda/replay", "s", (BaseMs, "replayed line"));

        var response = Encoding.UTF8.GetString(await Handler().HandleAsync(Encoding.UTF8.GetBytes(TestEvents.FailureRecord(original)), Context(), CancellationToken.None));

        Assert.Contains("\"entries_in\":1,\"entries_pushed\":1,", response);
        Assert.Equal("replayed line", Assert.Single(Receiver.Accepted).Streams.Single().Entries.Single().Line);
    }
}
