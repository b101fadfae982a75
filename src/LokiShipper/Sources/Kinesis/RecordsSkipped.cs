using LokiShipper.Pipeline;

namespace LokiShipper.Sources.Kinesis;

/// <summary>Records that cannot be read, skipped (they stay in the stream for its retention period).</summary>
internal sealed record RecordsSkipped(IReadOnlyList<string> Reasons, int Records) : InvocationError
{
    public override string Type => "InvalidRecords";

    public override string Message =>
        $"{Reasons.Count} of {Records} records cannot be decoded and are skipped (they stay in the stream for its retention period): {string.Join(" | ", Reasons)}";
}
