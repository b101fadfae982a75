namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// Objects with nothing to ship: every line is <see cref="LineKind.Skip"/>. CloudTrail digest files hold hashes that
/// prove the log files unchanged, not events (lambda-promtail skips them too).
/// </summary>
internal sealed class SkipLineFormat : ILineFormat
{
    public static readonly SkipLineFormat Instance = new();

    public LineKind Read(ReadOnlySpan<byte> line, out long timestampNs)
    {
        timestampNs = 0;
        return LineKind.Skip;
    }
}
