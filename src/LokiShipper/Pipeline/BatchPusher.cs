using System.Collections.Concurrent;
using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Loki.Rejections;

namespace LokiShipper.Pipeline;

/// <summary>
/// Pushes an invocation's batches to the sink, paced under Loki's rate limits: at most <c>PUSH_CONCURRENCY</c> in flight, the batches of a stream
/// that spans more than Loki's out-of-order horizon one after the other (oldest first), and a batch Loki refuses as
/// too large sent again as two halves (recursively).
/// </summary>
internal sealed class BatchPusher
{
    private readonly ILokiSink _sink;
    private readonly int _concurrency;
    private readonly PushPacer _pacer;

    public BatchPusher(ILokiSink sink, int concurrency, PushPacer pacer)
    {
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        _concurrency = concurrency;
        _pacer = pacer ?? throw new ArgumentNullException(nameof(pacer));
    }

    /// <summary>Every request sent, with its outcome, in batch order; a split batch is followed by its halves' outcomes.</summary>
    public async Task<IReadOnlyList<BatchOutcome>> PushAsync(IReadOnlyList<PushBatch> batches, DateTimeOffset giveUpAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var outcomes = new ConcurrentBag<BatchOutcome>();

        // Each push starts on this thread and runs until it waits for the network, so encoding (CPU) stays
        // sequential and the waits overlap: on 2 cores, encodes running side by side on pool threads compete and
        // the whole takes longer than one after the other (docs/performance.md).
        using var slots = new SemaphoreSlim(_concurrency);
        var inOrder = StreamsToPushInOrder(batches);
        var lastOfStream = new Dictionary<LabelSet, Task>();
        var pushes = new List<Task>(batches.Count);
        foreach (var batch in batches)
        {
            var after = batch.Streams.Where(s => inOrder.Contains(s.Labels) && lastOfStream.ContainsKey(s.Labels)).Select(s => lastOfStream[s.Labels]).ToArray();
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            var push = PushReleasingAsync(batch, after, giveUpAt, outcomes, slots, cancellationToken);
            pushes.Add(push);
            foreach (var stream in batch.Streams.Where(s => inOrder.Contains(s.Labels)))
            {
                lastOfStream[stream.Labels] = push;
            }
        }

        await Task.WhenAll(pushes).ConfigureAwait(false);
        return [.. outcomes.OrderBy(o => o.Batch.Index)];
    }

    /// <summary>
    /// Streams whose entries, over all batches, span more than Loki's out-of-order horizon: their batches go one after
    /// the other, oldest first. Pushed side by side, a newer batch stored first would make Loki refuse the older one's
    /// entries as too far behind.
    /// </summary>
    private static HashSet<LabelSet> StreamsToPushInOrder(IReadOnlyList<PushBatch> batches)
    {
        var spans = new Dictionary<LabelSet, (long Oldest, long Newest)>();
        foreach (var stream in batches.SelectMany(b => b.Streams))
        {
            // A stream's entries are sorted by time, in each batch and from one batch to the next.
            var (oldest, newest) = (stream.Entries[0].TimestampNs, stream.Entries[^1].TimestampNs);
            spans[stream.Labels] = spans.TryGetValue(stream.Labels, out var span) ? (Math.Min(span.Oldest, oldest), Math.Max(span.Newest, newest)) : (oldest, newest);
        }

        return spans.Where(s => s.Value.Newest - s.Value.Oldest > RejectionAnalyzer.OutOfOrderHorizonNs).Select(s => s.Key).ToHashSet();
    }

    private async Task PushReleasingAsync(PushBatch batch, Task[] after, DateTimeOffset giveUpAt, ConcurrentBag<BatchOutcome> outcomes, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(after).ConfigureAwait(false);
            await PushSplittingAsync(batch, giveUpAt, outcomes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Pushes a batch; when Loki refuses it as too large, pushes its two halves instead (recursively).</summary>
    private async Task PushSplittingAsync(PushBatch batch, DateTimeOffset giveUpAt, ConcurrentBag<BatchOutcome> outcomes, CancellationToken cancellationToken)
    {
        try
        {
            await _pacer.WaitAsync(batch, giveUpAt, cancellationToken).ConfigureAwait(false);
            outcomes.Add(new(batch, await _sink.PushAsync(batch, giveUpAt, cancellationToken).ConfigureAwait(false), null));
        }
        catch (PushFailedException ex)
        {
            var split = ex.TooLarge && batch.EntryCount > 1;
            outcomes.Add(new(batch, null, ex, split));
            if (split)
            {
                var (first, second) = batch.Split();
                await PushSplittingAsync(first, giveUpAt, outcomes, cancellationToken).ConfigureAwait(false);
                await PushSplittingAsync(second, giveUpAt, outcomes, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
