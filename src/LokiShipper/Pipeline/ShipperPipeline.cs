using LokiShipper.Loki;
using LokiShipper.Runtime;

namespace LokiShipper.Pipeline;

/// <summary>
/// One invocation, stage by stage: the event reader (the sources behind their router) reads the event into items of records →
/// map to entries and labels → batch by stream → push (the sink encodes; at most <c>PUSH_CONCURRENCY</c> requests in
/// flight) → the source says what Lambda is to retry → one <see cref="InvocationOutcome"/>. Never throws for bad input
/// or failed pushes: the outcome says what went wrong.
/// </summary>
internal sealed class ShipperPipeline
{
    /// <summary>The retry budget ends this long before the Lambda deadline (at most a quarter of the time left).</summary>
    public static readonly TimeSpan DeadlineSafetyMargin = TimeSpan.FromSeconds(1);

    private readonly IEventReader _events;
    private readonly RecordMapper _mapper;
    private readonly BatchPusher _pusher;
    private readonly int _batchSize;
    private readonly TimeProvider _time;

    /// <param name="pacer">Keeps pushes under Loki's rate limits; null = none.</param>
    public ShipperPipeline(IEventReader events, RecordMapper mapper, ILokiSink sink, PipelineOptions options, TimeProvider time, PushPacer? pacer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _mapper = mapper ?? throw new ArgumentNullException(nameof(mapper));
        _pusher = new BatchPusher(sink, options.PushConcurrency, pacer ?? PushPacer.Unlimited(time ?? throw new ArgumentNullException(nameof(time))));
        _batchSize = options.BatchSize;
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>When the retry budget of an invocation with this context ends.</summary>
    public DateTimeOffset GiveUpAt(InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var remaining = context.RemainingTime(_time);
        var margin = remaining / 4 < DeadlineSafetyMargin ? remaining / 4 : DeadlineSafetyMargin;
        return context.Deadline - (margin > TimeSpan.Zero ? margin : TimeSpan.Zero);
    }

    public async Task<InvocationOutcome> RunAsync(ReadOnlyMemory<byte> eventJson, InvocationContext context, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var tally = new OutcomeTally();
        InputEvent input;
        try
        {
            input = _events.Read(eventJson);
        }
        catch (InvalidEventException ex)
        {
            return tally.ToOutcome(null, null, [new InvalidEvent(ex.Message)], ElapsedMs(started));
        }

        using (input) // holds the lines until they are pushed
        {
            var giveUpAt = GiveUpAt(context);
            var outcomes = new ItemOutcomes(input.Items);
            var units = input.ShipItemsApart
                ? Enumerable.Range(0, input.Items.Count).Select(i => (Start: i, Count: 1))
                : [(Start: 0, Count: input.Items.Count)];
            foreach (var (start, count) in units)
            {
                await ShipAsync(input.Items, start, count, outcomes, giveUpAt, tally, cancellationToken).ConfigureAwait(false);
            }

            var report = input.Failures.Report(outcomes);
            return tally.ToOutcome(input, report, report.Errors, ElapsedMs(started));
        }
    }

    /// <summary>Ships items [start, start + count) in shared requests, and writes what became of each into <paramref name="outcomes"/>.</summary>
    private async Task ShipAsync(IReadOnlyList<InputItem> items, int start, int count, ItemOutcomes outcomes, DateTimeOffset giveUpAt, OutcomeTally tally, CancellationToken cancellationToken)
    {
        using (var batcher = new Batcher())
        {
            for (var index = start; index < start + count; index++)
            {
                var item = items[index];
                if (item.Error is { } error)
                {
                    outcomes.Fail(index, new InvalidItem(error));
                    tally.InvalidItem();
                    continue;
                }

                Map(item.Records, index, batcher, tally);
            }

            await PushAsync(batcher, outcomes, giveUpAt, tally, cancellationToken).ConfigureAwait(false);
        }

        for (var index = start; index < start + count; index++)
        {
            if (items[index].Reader is { } reader && outcomes[index].Delivered)
            {
                await ShipReaderAsync(reader, index, outcomes, giveUpAt, tally, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Ships an item read a chunk at a time: each chunk's entries are pushed before the next is read. A failed push
    /// or a part that cannot be read stops the item there (what was delivered stays delivered). When the time left
    /// would not cover another chunk (twice the longest one so far), a reader that can hand the rest on does so.
    /// </summary>
    private async Task ShipReaderAsync(IRecordReader reader, int index, ItemOutcomes outcomes, DateTimeOffset giveUpAt, OutcomeTally tally, CancellationToken cancellationToken)
    {
        await using (reader.ConfigureAwait(false))
        {
            var longestChunk = TimeSpan.Zero;
            while (outcomes[index].Delivered)
            {
                if (longestChunk > TimeSpan.Zero && reader is IContinuable { CanHandOn: true } continuable && _time.GetUtcNow() + (2 * longestChunk) > giveUpAt)
                {
                    try
                    {
                        await continuable.HandOnAsync(cancellationToken).ConfigureAwait(false);
                        tally.Continued();
                    }
                    catch (InvalidOperationException ex)
                    {
                        outcomes.Fail(index, new InvalidItem(ex.Message));
                        tally.InvalidItem();
                    }

                    return;
                }

                var chunkStarted = _time.GetTimestamp();
                IReadOnlyList<LogRecord>? records;
                try
                {
                    records = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidEventException ex)
                {
                    outcomes.Fail(index, new InvalidItem(ex.Message));
                    tally.InvalidItem();
                    return;
                }
                catch (ItemGoneException ex)
                {
                    tally.DropItem(ex.Reason);
                    return;
                }

                if (records is null)
                {
                    return;
                }

                using var batcher = new Batcher();
                Map(records, index, batcher, tally);
                await PushAsync(batcher, outcomes, giveUpAt, tally, cancellationToken).ConfigureAwait(false);
                var took = _time.GetElapsedTime(chunkStarted);
                longestChunk = took > longestChunk ? took : longestChunk;
            }
        }
    }

    /// <summary>Counts the records' lines in, and maps those not dropped into <paramref name="batcher"/>.</summary>
    private void Map(IReadOnlyList<LogRecord> records, int index, Batcher batcher, OutcomeTally tally)
    {
        foreach (var record in records)
        {
            tally.CountIn(record.Lines.Count);
            if (record.DropReason is { } reason)
            {
                tally.Drop(reason, record.Lines.Count);
                continue;
            }

            tally.Lines.Truncated += record.LinesTruncated;
            _mapper.Map(record, index, batcher, tally.Lines);
        }
    }

    /// <summary>Pushes what <paramref name="batcher"/> holds, and fails the items of the requests that were not delivered.</summary>
    private async Task PushAsync(Batcher batcher, ItemOutcomes outcomes, DateTimeOffset giveUpAt, OutcomeTally tally, CancellationToken cancellationToken)
    {
        if (batcher.EntryCount == 0)
        {
            return;
        }

        var batches = batcher.Build(_batchSize);
        tally.Batches(batches.Count);
        var pushStarted = _time.GetTimestamp();
        var pushed = await _pusher.PushAsync(batches, giveUpAt, cancellationToken).ConfigureAwait(false);
        tally.PushTime((long)_time.GetElapsedTime(pushStarted).TotalMilliseconds);
        if (Account(pushed, batches.Count, batcher, tally) is { } failure)
        {
            foreach (var index in failure.Items)
            {
                outcomes.Fail(index, failure.Error);
            }
        }
    }

    /// <summary>Counts where every entry ended; returns the push failure and the items it touches, or null.</summary>
    private static (PushFailure Error, SortedSet<int> Items)? Account(IReadOnlyList<BatchOutcome> pushed, int totalBatches, Batcher batcher, OutcomeTally tally)
    {
        var reasons = new List<string>();
        var failedEntries = 0;
        var failedItems = new SortedSet<int>();
        var failedBatches = new HashSet<int>(); // both halves of a split batch may fail: count the batch once
        foreach (var (batch, result, failure, split) in pushed)
        {
            if (result is not null)
            {
                tally.Pushed(result);
                continue;
            }

            tally.Attempted(failure!);
            if (split)
            {
                tally.Split(); // its halves are accounted for separately
                continue;
            }

            failedEntries += batch.EntryCount;
            tally.Failed(batch.Index, batch.EntryCount, failedBatches.Add(batch.Index));
            failedItems.UnionWith(batcher.ItemsOf(batch));
            reasons.Add(failure!.Message);
        }

        return reasons.Count == 0 ? null : (new PushFailure(failedBatches.Count, totalBatches, failedEntries, reasons), failedItems);
    }

    private long ElapsedMs(long started) => (long)_time.GetElapsedTime(started).TotalMilliseconds;
}
