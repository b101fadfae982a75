using System.Collections.Concurrent;
using Moq;
using LokiShipper.Loki;
using LokiShipper.Pipeline;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Pipeline;

public class ShipperPipelineTests
{
    private readonly Mock<ILokiSink> _sink = new(MockBehavior.Strict);
    private readonly ConcurrentBag<(PushBatch Batch, DateTimeOffset GiveUpAt)> _pushed = [];
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = FakeClock.New();

    private InvocationContext Context(double seconds = 60) => new("req-1", FakeClock.Start.AddSeconds(seconds));

    private void SinkAcceptsEverything() =>
        _sink.Setup(s => s.PushAsync(It.IsAny<PushBatch>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns((PushBatch b, DateTimeOffset g, CancellationToken _) =>
            {
                // A batch is only valid while it is being pushed (its entries are pooled): keep a copy.
                _pushed.Add((b with { Streams = b.Streams.Select(st => st with { Entries = st.Entries.ToList() }).ToList() }, g));
                return Task.FromResult(PushResult.AllStored(b.EntryCount, 100));
            });

    private ShipperPipeline Pipeline(params (string, string)[] variables) => Composition.CreatePipeline(TestOptions.From(variables), _sink.Object, _time);

    [Fact]
    public async Task Maps_each_log_event_to_an_entry_with_exact_nanoseconds_and_the_stream_as_metadata()
    {
        SinkAcceptsEverything();
        var payload = TestEvents.CloudWatch("/aws/lambda/checkout", "stream-1", (1_795_000_000_123, "first"), (1_795_000_000_124, " second\t "));

        var summary = await Pipeline(("AWS_REGION", "eu-west-1")).RunAsync(payload, Context(), CancellationToken.None);

        Assert.True(summary.Ok, summary.ErrorMessage);
        var (batch, giveUpAt) = Assert.Single(_pushed);
        var stream = Assert.Single(batch.Streams);
        Assert.Equal("""{aws_account_id="123456789012", aws_region="eu-west-1", aws_service="lambda", log_group="/aws/lambda/checkout", service_name="checkout"}""", stream.Labels.Text);
        Assert.Equal([1_795_000_000_123_000_000L, 1_795_000_000_124_000_000L], stream.Entries.Select(e => e.TimestampNs));
        Assert.Equal(["first", " second\t "], stream.Entries.Select(e => e.LineText));
        Assert.All(stream.Entries, e => Assert.Equal([new("log_stream", "stream-1")], e.Metadata.Pairs));
        Assert.Equal(FakeClock.Start.AddSeconds(59), giveUpAt);
        Assert.Equal((2, 2, 0, 1, 100L), (summary.EntriesIn, summary.EntriesPushed, summary.EntriesRejected, summary.Batches, summary.BytesSent));
    }

    [Fact]
    public async Task A_control_message_succeeds_and_pushes_nothing()
    {
        var payload = TestEvents.FromRecordJson("""{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[]}""");

        var summary = await Pipeline().RunAsync(payload, Context(), CancellationToken.None);

        Assert.True(summary.Ok);
        Assert.Equal((0, 0, 0), (summary.EntriesIn, summary.EntriesPushed, summary.Batches));
        _sink.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task The_functions_own_log_group_is_never_shipped()
    {
        var payload = TestEvents.CloudWatch("/aws/lambda/LokiShipper", "s", (1, "{\"entries_in\":3}"), (2, "x"));

        var summary = await Pipeline(("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/LokiShipper")).RunAsync(payload, Context(), CancellationToken.None);

        Assert.True(summary.Ok);
        Assert.Equal(2, summary.EntriesIn);
        Assert.Equal(2, summary.Dropped["own_log_group"]);
        _sink.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Long_lines_are_truncated_and_counted()
    {
        SinkAcceptsEverything();
        var payload = TestEvents.CloudWatch("/g", "s", (1, new string('a', 300)), (2, "short"));

        var summary = await Pipeline(("MAX_LINE_SIZE", "128")).RunAsync(payload, Context(), CancellationToken.None);

        Assert.Equal(1, summary.LinesTruncated);
        var entries = Assert.Single(_pushed).Batch.Streams.Single().Entries;
        Assert.Equal(128, entries[0].LineBytes);
        Assert.EndsWith("…[truncated by LokiShipper, 300 bytes]", entries[0].LineText);
        Assert.Equal("short", entries[1].LineText);
    }

    [Fact]
    public async Task Entries_are_cut_into_batches_of_batch_size()
    {
        SinkAcceptsEverything();
        var events = Enumerable.Range(0, 100).Select(i => ((long)i, new string('x', 100))).ToArray();

        var summary = await Pipeline(("BATCH_SIZE", "1500"), ("KEEP_STREAM", "true")).RunAsync(TestEvents.CloudWatch("/g", "s", events), Context(), CancellationToken.None);

        Assert.True(summary.Ok);
        Assert.Equal(100, summary.EntriesPushed);
        Assert.Equal(summary.Batches, _pushed.Count);
        Assert.All(_pushed, p => Assert.True(p.Batch.SizeBytes <= 1500));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i * 1_000_000L), _pushed.OrderBy(p => p.Batch.Index).SelectMany(p => p.Batch.Streams.Single().Entries).Select(e => e.TimestampNs));
    }

    [Fact]
    public async Task A_failed_batch_fails_the_invocation_and_the_summary_says_which()
    {
        _sink.Setup(s => s.PushAsync(It.IsAny<PushBatch>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns((PushBatch b, DateTimeOffset _, CancellationToken _) => b.Index == 1
                ? Task.FromException<PushResult>(new PushFailedException("batch 1: Loki answered 403 Forbidden, which retrying cannot fix: denied", 0, 50))
                : Task.FromResult(PushResult.AllStored(b.EntryCount, 100, retries: 1)));
        var events = Enumerable.Range(0, 30).Select(i => ((long)i, new string('x', 100))).ToArray();

        var summary = await Pipeline(("BATCH_SIZE", "1200"), ("KEEP_STREAM", "true")).RunAsync(TestEvents.CloudWatch("/g", "s", events), Context(), CancellationToken.None);

        Assert.False(summary.Ok);
        Assert.Equal(3, summary.Batches);
        Assert.Equal([1], summary.FailedBatches);
        Assert.Equal((20, 10), (summary.EntriesPushed, summary.EntriesFailed));
        Assert.Equal((250L, 2), (summary.BytesSent, summary.Retries));
        var failure = Assert.IsType<PushFailure>(Assert.Single(summary.Errors));
        Assert.Equal(("PushFailed", 1, 3, 10), (failure.Type, failure.FailedBatches, failure.TotalBatches, failure.FailedEntries));
        Assert.Equal(["batch 1: Loki answered 403 Forbidden, which retrying cannot fix: denied"], failure.Reasons);
        Assert.Equal("1 of 3 batches could not be delivered (10 entries; Lambda will retry the event): batch 1: Loki answered 403 Forbidden, which retrying cannot fix: denied", summary.ErrorMessage);
    }

    [Fact]
    public async Task Rejected_entries_are_counted_with_lokis_reason()
    {
        _sink.Setup(s => s.PushAsync(It.IsAny<PushBatch>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((PushBatch b, DateTimeOffset _, CancellationToken _) => new PushResult(b.EntryCount - 2, new Dictionary<string, int> { ["too_old"] = 2 }, 0, 10, 0, 0));

        var summary = await Pipeline().RunAsync(TestEvents.CloudWatch("/g", "s", (1, "a"), (2, "b"), (3, "c")), Context(), CancellationToken.None);

        Assert.True(summary.Ok);
        Assert.Equal((3, 1, 2), (summary.EntriesIn, summary.EntriesPushed, summary.EntriesRejected));
        Assert.Equal(2, summary.Rejected["too_old"]);
    }

    [Fact]
    public async Task Bad_input_fails_with_the_decoder_message_and_pushes_nothing()
    {
        var summary = await Pipeline().RunAsync(System.Text.Encoding.UTF8.GetBytes("""{"awslogs":{"data":"%%%"}}"""), Context(), CancellationToken.None);

        Assert.False(summary.Ok);
        Assert.Equal(new InvalidEvent("awslogs.data is not valid base64"), Assert.Single(summary.Errors));
        _sink.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(60, 59)]
    [InlineData(2, 1.5)]
    [InlineData(0, 0)]
    public void The_retry_budget_ends_before_the_deadline(double secondsLeft, double budgetEndsAfter)
    {
        var giveUpAt = Pipeline().GiveUpAt(Context(secondsLeft));

        Assert.Equal(FakeClock.Start.AddSeconds(budgetEndsAfter), giveUpAt);
    }

    [Theory]
    [InlineData(30, false)] // a span Loki's out-of-order window covers: batches go side by side
    [InlineData(90, true)] // wider: the older batch is stored before the newer one is sent
    public async Task Batches_of_a_stream_spanning_more_than_lokis_out_of_order_window_are_pushed_oldest_first(int spanMinutes, bool inOrder)
    {
        var started = new ConcurrentQueue<int>();
        var firstRelease = new TaskCompletionSource<PushResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _sink.Setup(s => s.PushAsync(It.IsAny<PushBatch>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns((PushBatch b, DateTimeOffset _, CancellationToken _) =>
            {
                started.Enqueue(b.Index);
                return b.Index == 0 ? firstRelease.Task : Task.FromResult(PushResult.AllStored(b.EntryCount, 10));
            });
        var start = FakeClock.Start.AddHours(-3).ToUnixTimeMilliseconds();
        var events = Enumerable.Range(0, 20).Select(i => (start + (i * spanMinutes * 60_000L / 19), new string('x', 100))).ToArray();

        // The pipeline starts every push it may before it first waits: what has started when it returns is what went
        // ahead while the first push was still in flight.
        var run = Pipeline(("BATCH_SIZE", "1200")).RunAsync(TestEvents.CloudWatch("/g", "s", events), Context(), CancellationToken.None);
        var startedWhileFirstInFlight = started.Count;
        firstRelease.SetResult(PushResult.AllStored(10, 10));
        var summary = await run;

        Assert.Equal((2, 20), (summary.Batches, summary.EntriesPushed));
        Assert.Equal(inOrder ? 1 : 2, startedWhileFirstInFlight);
        Assert.Equal([0, 1], started);
    }
}
