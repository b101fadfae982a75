using LokiShipper.Configuration;
using LokiShipper.Decode;
using LokiShipper.Labels;

namespace LokiShipper.Batching;

/// <summary>
/// Map stage: turns a decoded subscription record into Loki entries in a <see cref="Batcher"/>. Labels are computed
/// once per record; each log event becomes an entry with its exact nanosecond timestamp, its line (cut to
/// <c>MAX_LINE_SIZE</c>) and the record's structured metadata.
/// </summary>
public sealed class RecordMapper
{
    private readonly StreamLabeler _labeler;
    private readonly int _maxLineSize;

    public RecordMapper(ShipperOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _labeler = new StreamLabeler(options);
        _maxLineSize = options.MaxLineSize;
    }

    /// <summary>Adds the record's entries to <paramref name="batcher"/>; returns how many lines were truncated.</summary>
    /// <param name="origin">The record's index in the event, kept on each entry (see <see cref="LokiEntry.Origin"/>).</param>
    public int Map(SubscriptionRecord record, LogSource source, int origin, Batcher batcher)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(batcher);
        var labels = _labeler.Labels(source);
        var metadata = _labeler.StreamIsLabel
            ? StructuredMetadata.Empty
            : new StructuredMetadata([new("log_stream", record.LogStream)]);
        var truncated = 0;
        foreach (var logEvent in record.Events.AsSpan())
        {
            var line = LineTruncation.Truncate(logEvent.MessageUtf8, _maxLineSize, out var wasTruncated);
            truncated += wasTruncated ? 1 : 0;
            batcher.Add(labels, new LokiEntry(LokiEntry.MillisToNanos(logEvent.Timestamp), line, metadata, origin));
        }

        return truncated;
    }
}
