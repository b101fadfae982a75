namespace LokiShipper.Pipeline;

/// <summary>
/// The records of an item too large to hold at once (an S3 object), read a chunk at a time: the pipeline pushes each
/// chunk's entries before it asks for the next, so memory holds one chunk whatever the item's size.
/// </summary>
internal interface IRecordReader : IAsyncDisposable
{
    /// <summary>The next records, or null when the item has no more. Their lines are valid until the next call.</summary>
    /// <exception cref="InvalidEventException">The rest of the item cannot be read (what was read before is kept).</exception>
    /// <exception cref="ItemGoneException">The item's content no longer exists: it is counted as dropped, not retried.</exception>
    ValueTask<IReadOnlyList<LogRecord>?> ReadAsync(CancellationToken cancellationToken);
}
