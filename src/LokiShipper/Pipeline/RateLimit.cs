namespace LokiShipper.Pipeline;

/// <summary>A byte rate with a burst, as Loki states its limits (<c>per_stream_rate_limit</c> and its burst).</summary>
/// <param name="BytesPerSecond">The sustained rate; 0 turns the limit off.</param>
/// <param name="BurstBytes">What may go at once after a pause.</param>
internal sealed record RateLimit(long BytesPerSecond, long BurstBytes)
{
    public static readonly RateLimit Off = new(0, 0);

    public bool IsOff => BytesPerSecond <= 0;
}
