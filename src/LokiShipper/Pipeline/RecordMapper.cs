using LokiShipper.Labels;
using LokiShipper.Loki;

namespace LokiShipper.Pipeline;

/// <summary>
/// Map stage: turns a record's lines into Loki entries in a <see cref="Batcher"/>. Labels and structured metadata
/// are computed once per record from its origin; each line becomes an entry with its own nanosecond timestamp and
/// the line, cut to <c>MAX_LINE_SIZE</c>. With line processing configured, the lines go through it instead.
/// </summary>
internal sealed class RecordMapper
{
    private readonly StreamLabeler _labeler;
    private readonly int _maxLineSize;
    private readonly ILineProcessor? _processor;

    /// <param name="labeler">Labels and metadata of each origin.</param>
    /// <param name="maxLineSize">Longest line in UTF-8 bytes; 0 = no limit.</param>
    /// <param name="processor">What is done to the lines first; null = nothing (they ship as read).</param>
    public RecordMapper(StreamLabeler labeler, int maxLineSize, ILineProcessor? processor = null)
    {
        _processor = processor;
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
        var counts = new LineCounts();
        Map(record, item, batcher, counts);
        return counts.Truncated;
    }

    /// <summary>Adds the record's entries to <paramref name="batcher"/>, counting into <paramref name="counts"/>.</summary>
    public void Map(LogRecord record, int item, Batcher batcher, LineCounts counts)
    {
        ArgumentNullException.ThrowIfNull(batcher);
        ArgumentNullException.ThrowIfNull(counts);
        var labels = _labeler.Labels(record.Origin);
        var pairs = _labeler.Metadata(record.Origin);
        if (_processor is not null)
        {
            _processor.Map(record.Lines, labels, pairs, item, batcher, counts);
            return;
        }

        var metadata = pairs.Count == 0 ? StructuredMetadata.Empty : new StructuredMetadata(pairs);
        var truncated = 0;
        foreach (var line in record.Lines.AsSpan())
        {
            var text = LineTruncation.Truncate(line.Utf8, _maxLineSize, out var wasTruncated);
            truncated += wasTruncated ? 1 : 0;
            batcher.Add(labels, new LokiEntry(line.TimestampNs, text, metadata), item);
        }

        counts.Truncated += truncated;
    }
}
