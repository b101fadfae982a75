namespace LokiShipper.Pipeline;

/// <summary>
/// The smallest part of an event its source can have retried on its own (an SQS message, a Kinesis record; the
/// whole event for a direct subscription): its records, or why it cannot be read.
/// </summary>
/// <param name="Id">How the source names the item to Lambda (message id, sequence number).</param>
/// <param name="Records">The item's records; none for a control message or an item that cannot be read.</param>
/// <param name="Error">Why the item cannot be read (naming the field), or null.</param>
internal sealed record InputItem(string Id, IReadOnlyList<LogRecord> Records, string? Error = null)
{
    /// <summary>For an item too large to hold (an S3 object): its records, read and pushed a chunk at a time, after <see cref="Records"/>.</summary>
    public IRecordReader? Reader { get; init; }
}
