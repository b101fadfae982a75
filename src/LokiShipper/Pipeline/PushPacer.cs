using LokiShipper.Labels;
using LokiShipper.Loki;

namespace LokiShipper.Pipeline;

/// <summary>
/// Keeps pushes under Loki's rate limits instead of relying on retries: Loki's per-stream limit can refuse the tail of
/// a request after storing the rest (a 429 whose retry then stores duplicates), and its tenant limit refuses whole
/// requests. One per process, shared by invocations and by the pushes in flight, so a warm function keeps its pace.
/// </summary>
internal sealed class PushPacer(RateLimit perStream, RateLimit total, TimeProvider time)
{
    /// <summary>Stream buckets kept; past this, the least useful are forgotten (a stream unseen for a while has a full bucket anyway).</summary>
    private const int MaxStreams = 4096;

    private readonly TokenBucket? _total = total.IsOff ? null : new TokenBucket(total, time);
    private readonly Dictionary<LabelSet, TokenBucket> _streams = [];
    private readonly Lock _lock = new();

    public static PushPacer Unlimited(TimeProvider time) => new(RateLimit.Off, RateLimit.Off, time);

    /// <summary>Waits until <paramref name="batch"/> may go (never past <paramref name="giveUpAt"/>); returns how long it waited.</summary>
    public async Task<TimeSpan> WaitAsync(PushBatch batch, DateTimeOffset giveUpAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_total is null && perStream.IsOff)
        {
            return TimeSpan.Zero;
        }

        // Loki counts the bytes of lines (and structured metadata) against its limits, not labels.
        var wait = TimeSpan.Zero;
        long total = 0;
        foreach (var stream in batch.Streams)
        {
            var bytes = stream.Entries.Sum(e => (long)e.SizeBytes);
            total += bytes;
            if (!perStream.IsOff)
            {
                var streamWait = Bucket(stream.Labels).Reserve(bytes);
                wait = streamWait > wait ? streamWait : wait;
            }
        }

        var totalWait = _total?.Reserve(total) ?? TimeSpan.Zero;
        wait = totalWait > wait ? totalWait : wait;

        var left = giveUpAt - time.GetUtcNow();
        wait = wait < left ? wait : (left > TimeSpan.Zero ? left : TimeSpan.Zero);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }

        return wait;
    }

    private TokenBucket Bucket(LabelSet labels)
    {
        lock (_lock)
        {
            if (!_streams.TryGetValue(labels, out var bucket))
            {
                if (_streams.Count >= MaxStreams)
                {
                    _streams.Clear();
                }

                bucket = new TokenBucket(perStream, time);
                _streams.Add(labels, bucket);
            }

            return bucket;
        }
    }
}
