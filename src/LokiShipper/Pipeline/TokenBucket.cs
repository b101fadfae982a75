namespace LokiShipper.Pipeline;

/// <summary>
/// A token bucket over a <see cref="TimeProvider"/>: <see cref="Reserve"/> takes bytes now and says how long to wait
/// before sending them so the rate holds. Reservations may run the bucket negative: later ones wait longer.
/// </summary>
internal sealed class TokenBucket(RateLimit limit, TimeProvider time)
{
    private readonly Lock _lock = new();
    private double _tokens = limit.BurstBytes;
    private long _updated = time.GetTimestamp();

    /// <summary>Takes <paramref name="bytes"/>; returns how long to wait before sending them.</summary>
    public TimeSpan Reserve(long bytes)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(limit.BurstBytes, _tokens + (time.GetElapsedTime(_updated, now).TotalSeconds * limit.BytesPerSecond));
            _updated = now;
            _tokens -= bytes;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / limit.BytesPerSecond);
        }
    }
}
