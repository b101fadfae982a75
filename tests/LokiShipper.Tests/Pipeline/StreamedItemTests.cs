using Moq;
using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Pipeline;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Pipeline;

/// <summary>An item too large to hold (an S3 object) is read a chunk at a time, each chunk pushed before the next is read.</summary>
public class StreamedItemTests
{
    private sealed record NamedOrigin(string Name) : LogOrigin
    {
        public override void AddLabels(LabelOptions options, List<KeyValuePair<string, string>> labels) => labels.Add(new("service_name", Name));
    }

    private sealed class PassingPolicy : IItemFailurePolicy
    {
        public ItemReport Report(IReadOnlyList<ItemOutcome> items) => new(null, [.. items.Where(i => !i.Delivered).Select(i => i.Error!)]);
    }

    /// <summary>Chunks of lines; then the end, or an exception. Records what the pipeline had pushed when each chunk was asked for.</summary>
    private sealed class ChunkReader(IReadOnlyList<string[]> chunks, Exception? then, Func<int> pushedSoFar) : IRecordReader
    {
        private int _next;

        public List<int> PushedWhenAsked { get; } = [];

        public bool Disposed { get; private set; }

        public ValueTask<IReadOnlyList<LogRecord>?> ReadAsync(CancellationToken cancellationToken)
        {
            PushedWhenAsked.Add(pushedSoFar());
            if (_next < chunks.Count)
            {
                var lines = chunks[_next++].Select((line, i) => LogLine.FromText(1_000 + i, line)).ToArray();
                IReadOnlyList<LogRecord> records = [new LogRecord(new NamedOrigin("obj"), lines) { LinesTruncated = lines.Count(l => l.Text.EndsWith('…')) }];
                return ValueTask.FromResult<IReadOnlyList<LogRecord>?>(records);
            }

            return then is null ? ValueTask.FromResult<IReadOnlyList<LogRecord>?>(null) : ValueTask.FromException<IReadOnlyList<LogRecord>?>(then);
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A reader of endless one-line chunks that can hand the rest on.</summary>
    private sealed class EndlessReader : IRecordReader, IContinuable
    {
        public int Chunks { get; private set; }

        public int HandedOnAfter { get; private set; } = -1;

        public bool CanHandOn => true;

        public ValueTask<IReadOnlyList<LogRecord>?> ReadAsync(CancellationToken cancellationToken)
        {
            Chunks++;
            IReadOnlyList<LogRecord> records = [new LogRecord(new NamedOrigin("big"), new[] { LogLine.FromText(Chunks, $"chunk {Chunks}") })];
            return ValueTask.FromResult<IReadOnlyList<LogRecord>?>(records);
        }

        public Task HandOnAsync(CancellationToken cancellationToken)
        {
            HandedOnAfter = Chunks;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class FixedReader(InputEvent input) : IEventReader
    {
        public InputEvent Read(ReadOnlyMemory<byte> eventJson) => input;
    }

    private readonly Mock<ILokiSink> _sink = new(MockBehavior.Strict);
    private readonly List<string> _pushed = [];

    private void SinkStoresUnlessBad() =>
        _sink.Setup(s => s.PushAsync(It.IsAny<PushBatch>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns((PushBatch b, DateTimeOffset _, CancellationToken _) =>
            {
                var lines = b.Streams.SelectMany(s => s.Entries).Select(e => e.LineText).ToList();
                if (lines.Any(l => l.StartsWith("bad", StringComparison.Ordinal)))
                {
                    throw new PushFailedException($"batch {b.Index}: refused");
                }

                _pushed.AddRange(lines);
                return Task.FromResult(PushResult.AllStored(b.EntryCount, 10));
            });

    private Task<InvocationOutcome> RunAsync(params InputItem[] items) => RunAsync(FakeClock.New(), TimeSpan.FromMinutes(1), items);

    private Task<InvocationOutcome> RunAsync(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, TimeSpan timeLeft, params InputItem[] items)
    {
        var options = TestOptions.From();
        var pipeline = new ShipperPipeline(
            new FixedReader(new InputEvent("test", items, new PassingPolicy())),
            new RecordMapper(new StreamLabeler(options.LabelsSlice()), options.MaxLineSize),
            _sink.Object,
            options.PipelineSlice(),
            time);
        return pipeline.RunAsync(ReadOnlyMemory<byte>.Empty, new InvocationContext("r", time.GetUtcNow() + timeLeft), CancellationToken.None);
    }

    [Fact]
    public async Task Each_chunk_is_pushed_before_the_next_is_read_and_the_reader_is_disposed()
    {
        SinkStoresUnlessBad();
        var reader = new ChunkReader([["a", "b"], ["c"], ["d", "e…"]], null, () => _pushed.Count);

        var outcome = await RunAsync(new InputItem("object", []) { Reader = reader });

        Assert.Equal([0, 2, 3, 5], reader.PushedWhenAsked);
        Assert.Equal(["a", "b", "c", "d", "e…"], _pushed);
        Assert.Equal((5, 5, 3, 1), (outcome.EntriesIn, outcome.EntriesPushed, outcome.Batches, outcome.LinesTruncated));
        Assert.True(outcome.Ok);
        Assert.True(reader.Disposed);
    }

    [Fact]
    public async Task A_failed_push_stops_the_item_there_and_what_was_delivered_stays_delivered()
    {
        SinkStoresUnlessBad();
        var reader = new ChunkReader([["a"], ["bad"], ["never read"]], null, () => _pushed.Count);

        var outcome = await RunAsync(new InputItem("object", []) { Reader = reader });

        Assert.Equal(["a"], _pushed);
        Assert.Equal((2, 1, 1), (outcome.EntriesIn, outcome.EntriesPushed, outcome.EntriesFailed));
        Assert.IsType<PushFailure>(Assert.Single(outcome.Errors));
        Assert.Equal(2, reader.PushedWhenAsked.Count);
        Assert.True(reader.Disposed);
    }

    [Fact]
    public async Task A_part_that_cannot_be_read_fails_the_item_after_the_lines_before_it_are_shipped()
    {
        SinkStoresUnlessBad();
        var reader = new ChunkReader([["a", "b"]], new InvalidEventException("s3://b/k: corrupt gzip after 2 lines"), () => _pushed.Count);

        var outcome = await RunAsync(new InputItem("object", []) { Reader = reader });

        Assert.Equal(["a", "b"], _pushed);
        Assert.Equal(new InvalidItem("s3://b/k: corrupt gzip after 2 lines"), Assert.Single(outcome.Errors));
        Assert.Equal((2, 2, 1), (outcome.EntriesIn, outcome.EntriesPushed, outcome.InvalidItems));
    }

    [Fact]
    public async Task An_item_whose_content_is_gone_is_counted_as_dropped_and_succeeds()
    {
        var reader = new ChunkReader([], new ItemGoneException("s3_object_gone", "s3://b/k no longer exists"), () => _pushed.Count);

        var outcome = await RunAsync(new InputItem("object", []) { Reader = reader });

        Assert.True(outcome.Ok);
        Assert.Equal(1, outcome.DroppedItems["s3_object_gone"]);
        Assert.Equal(0, outcome.EntriesIn);
        _sink.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task When_the_time_left_would_not_cover_two_more_chunks_the_rest_is_handed_on_after_a_delivered_one()
    {
        // Each push takes 10 s of a 60 s invocation whose retry budget ends 1 s before the deadline.
        var time = FakeClock.New();
        _sink.Setup(s => s.PushAsync(It.IsAny<PushBatch>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns((PushBatch b, DateTimeOffset _, CancellationToken _) =>
            {
                time.Advance(TimeSpan.FromSeconds(10));
                return Task.FromResult(PushResult.AllStored(b.EntryCount, 10));
            });
        var reader = new EndlessReader();

        var outcome = await RunAsync(time, TimeSpan.FromSeconds(60), new InputItem("object", []) { Reader = reader });

        // After chunk 4 it is 40 s in: 40 + 2 × 10 = 60 > 59, so the rest goes on before a fifth chunk is read.
        Assert.Equal(4, reader.HandedOnAfter);
        Assert.Equal(4, reader.Chunks);
        Assert.Equal((4, 4, 1), (outcome.EntriesIn, outcome.EntriesPushed, outcome.ItemsContinued));
        Assert.True(outcome.Ok);
    }
}
