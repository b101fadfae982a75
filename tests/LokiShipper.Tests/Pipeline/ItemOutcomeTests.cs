using Moq;
using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Pipeline;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Pipeline;

/// <summary>
/// The pipeline knows items, records and origins, not sources: it tells the source's failure policy which items were
/// delivered and why the others were not, whether items share requests or go apart.
/// </summary>
public class ItemOutcomeTests
{
    private sealed record NamedOrigin(string Name) : LogOrigin
    {
        public override void AddLabels(LabelOptions options, List<KeyValuePair<string, string>> labels) => labels.Add(new("service_name", Name));

        public override IReadOnlyList<KeyValuePair<string, string>> Metadata(LabelOptions options) => [new("object", Name + ".log")];
    }

    /// <summary>Records what the pipeline reported; answers with every failed item's id.</summary>
    private sealed class RecordingPolicy : IItemFailurePolicy
    {
        public IReadOnlyList<ItemOutcome> Seen { get; private set; } = [];

        public ItemReport Report(IReadOnlyList<ItemOutcome> items)
        {
            Seen = [.. items];
            return new ItemReport([.. items.Where(i => !i.Delivered).Select(i => i.Item.Id)], [.. items.Where(i => !i.Delivered).Select(i => i.Error!)]);
        }
    }

    private sealed class FixedReader(Func<InputEvent> read) : IEventReader
    {
        public InputEvent Read(ReadOnlyMemory<byte> eventJson) => read();
    }

    private readonly Mock<ILokiSink> _sink = new(MockBehavior.Strict);
    private readonly RecordingPolicy _policy = new();

    private static InputItem Item(string id, string origin, params string[] lines) =>
        new(id, [new LogRecord(new NamedOrigin(origin), lines.Select((line, i) => LogLine.FromText(1_000 + i, line)).ToArray())]);

    private Task<InvocationOutcome> RunAsync(InputEvent input, params (string, string)[] variables)
    {
        var options = TestOptions.From(variables);
        var pipeline = new ShipperPipeline(
            new FixedReader(() => input),
            new RecordMapper(new StreamLabeler(options.LabelsSlice()), options.MaxLineSize),
            _sink.Object,
            options.PipelineSlice(),
            FakeClock.New());
        return pipeline.RunAsync(ReadOnlyMemory<byte>.Empty, new InvocationContext("r", FakeClock.Start.AddMinutes(1)), CancellationToken.None);
    }

    /// <summary>Loki refuses for good any request that holds a line starting with "bad".</summary>
    private void SinkRefusesBadLines() =>
        _sink.Setup(s => s.PushAsync(It.IsAny<PushBatch>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns((PushBatch b, DateTimeOffset _, CancellationToken _) =>
                b.Streams.Any(st => st.Entries.Any(e => e.LineText.StartsWith("bad", StringComparison.Ordinal)))
                    ? throw new PushFailedException($"batch {b.Index}: refused")
                    : Task.FromResult(PushResult.AllStored(b.EntryCount, 10)));

    [Fact]
    public async Task Items_that_share_requests_fail_together_only_when_their_request_fails()
    {
        SinkRefusesBadLines();
        // One stream per origin, one request per stream at this batch size: items 0 and 2 share one, item 1 has its own.
        var input = new InputEvent("test", [Item("i-0", "a", "ok 1"), Item("i-1", "b", "bad 1"), Item("i-2", "a", "ok 2")], _policy);

        var outcome = await RunAsync(input, ("BATCH_SIZE", "50"));

        Assert.Equal([true, false, true], _policy.Seen.Select(o => o.Delivered));
        var failure = Assert.IsType<PushFailure>(_policy.Seen[1].Error);
        Assert.Equal((1, 2, 1), (failure.FailedBatches, failure.TotalBatches, failure.FailedEntries));
        Assert.Equal(["i-1"], outcome.BatchItemFailures);
        Assert.Equal((3, 2, 1), (outcome.EntriesIn, outcome.EntriesPushed, outcome.EntriesFailed));
    }

    [Fact]
    public async Task An_item_whose_lines_share_a_failed_request_with_another_items_fails_with_it()
    {
        SinkRefusesBadLines();
        // At this batch size a's two lines make one request and z's line another.
        var input = new InputEvent("test", [Item("i-0", "a", "ok 1"), Item("i-1", "a", "bad 1"), Item("i-2", "z", "ok 2")], _policy);

        var outcome = await RunAsync(input, ("BATCH_SIZE", "50"));

        Assert.Equal([false, false, true], _policy.Seen.Select(o => o.Delivered));
        Assert.Same(_policy.Seen[0].Error, _policy.Seen[1].Error);
        Assert.Equal(["i-0", "i-1"], outcome.BatchItemFailures);
    }

    [Fact]
    public async Task Items_shipped_apart_never_fail_for_each_other_and_unreadable_items_are_counted()
    {
        SinkRefusesBadLines();
        var input = new InputEvent("test", [Item("i-0", "a", "ok 1"), Item("i-1", "a", "bad 1"), new InputItem("i-2", [], "Records[2]: cannot be read")], _policy)
        {
            ShipItemsApart = true,
            ItemName = "message",
        };

        var outcome = await RunAsync(input);

        Assert.Equal([true, false, false], _policy.Seen.Select(o => o.Delivered));
        Assert.Equal(new InvalidItem("Records[2]: cannot be read"), _policy.Seen[2].Error);
        Assert.Equal((2, 1, "invalid_messages"), (outcome.Batches, outcome.InvalidItems, outcome.InvalidItemsName));
        Assert.Equal(["i-1", "i-2"], outcome.BatchItemFailures);
    }

    [Fact]
    public async Task Labels_and_metadata_come_from_the_origin_and_dropped_records_are_counted_in_and_not_shipped()
    {
        PushBatch? pushed = null;
        _sink.Setup(s => s.PushAsync(It.IsAny<PushBatch>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns((PushBatch b, DateTimeOffset _, CancellationToken _) =>
            {
                pushed = b with { Streams = b.Streams.Select(st => st with { Entries = st.Entries.ToList() }).ToList() };
                return Task.FromResult(PushResult.AllStored(b.EntryCount, 10));
            });
        var dropped = new LogRecord(new NamedOrigin("self"), new[] { LogLine.FromText(5, "loop") }, DropReason: "own_log_group");
        var input = new InputEvent("test", [Item("i-0", "api", "hello"), new InputItem("i-1", [dropped])], _policy);

        var outcome = await RunAsync(input, ("EXTRA_LABELS", "env,prod"));

        var stream = Assert.Single(pushed!.Streams);
        Assert.Equal("""{env="prod", service_name="api"}""", stream.Labels.Text);
        Assert.Equal([new("object", "api.log")], Assert.Single(stream.Entries).Metadata.Pairs);
        Assert.Equal((2, 1, 1), (outcome.EntriesIn, outcome.EntriesPushed, outcome.Dropped["own_log_group"]));
        Assert.True(outcome.Ok);
    }
}
