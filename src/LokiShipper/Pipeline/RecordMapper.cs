using LokiShipper.Labels;
using LokiShipper.Loki;

namespace LokiShipper.Pipeline;

/// <summary>
/// Map stage: turns a record's lines into Loki entries in a <see cref="Batcher"/>. Labels and structured metadata
/// are computed once per record from its origin; each line becomes an entry with its own nanosecond timestamp and
/// the line, cut to <c>MAX_LINE_SIZE</c>.
/// </summary>
internal sealed class RecordMapper
{
    private readonly StreamLabeler _labeler;
    private readonly int _maxLineSize;

    public RecordMapper(StreamLabeler labeler, int maxLineSize)
    {
        _labeler = labeler ?? throw new ArgumentNullException(nameof(labeler));
        ArgumentOutOfRangeException.ThrowIfNegative(maxLineSize);
        _maxLineSize = maxLineSize;
    }

    /// <summary>Adds the record's entries to <paramref name="batcher"/>; returns how many lines were truncated.</summary>
    /// <param name="record">The record.</param>
    /// <param name="item">The index of the input item the record belongs to.</param>
    /// <param name="batcher">Where the entries go.</param>
    public int Map(LogRecord record, int item, Batcher batcher)
    {
        ArgumentNullException.ThrowIfNull(batcher);
        var labels = _labeler.Labels(record.Origin);
        var pairs = _labeler.Metadata(record.Origin);
        var metadata = pairs.Count == 0 ? StructuredMetadata.Empty : new StructuredMetadata(pairs);
        var truncated = 0;
        foreach (var line in record.Lines.AsSpan())
        {
            var text = LineTruncation.Truncate(line.Utf8, _maxLineSize, out var wasTruncated);
            truncated += wasTruncated ? 1 : 0;
            batcher.Add(labels, new LokiEntry(line.TimestampNs, text, metadata), item);
        }

        return truncated;
    }
}
