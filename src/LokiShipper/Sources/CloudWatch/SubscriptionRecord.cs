using LokiShipper.Buffers;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources.CloudWatch;

/// <summary>
/// A decoded subscription record: where its events come from and the events themselves, as lines with nanosecond
/// timestamps (CloudWatch's milliseconds, exactly). The lines live in pooled buffers owned by the event it was decoded
/// from, or by the record itself when decoded alone (dispose it). Undisposed, they are merely collected by the GC.
/// </summary>
internal sealed class SubscriptionRecord : IDisposable
{
    /// <summary>Why the lines of the shipper's own log group are dropped, in the summary's <c>dropped</c> counts.</summary>
    public const string DroppedOwnLogGroup = "own_log_group";

    private IDisposable? _lines;

    public SubscriptionRecord(string messageType, string owner, string logGroup, string logStream, IEnumerable<LogLine> logEvents)
        : this(messageType, owner, logGroup, logStream, new ArraySegment<LogLine>(logEvents.ToArray()))
    {
    }

    public SubscriptionRecord(string messageType, string owner, string logGroup, string logStream, ArraySegment<LogLine> logEvents)
    {
        MessageType = messageType;
        Owner = owner;
        LogGroup = logGroup;
        LogStream = logStream;
        LogEvents = logEvents;
    }

    public string MessageType { get; }

    public string Owner { get; }

    public string LogGroup { get; }

    public string LogStream { get; }

    /// <summary>The events, in a pooled array: read them as a span (no enumerator) while the record lives.</summary>
    public ArraySegment<LogLine> LogEvents { get; }

    public bool IsControlMessage => MessageType == MessageTypes.ControlMessage;

    /// <summary>
    /// The record as the pipeline takes it: none for a control message (its events are not log lines), and the lines
    /// of the shipper's own log group counted in but dropped (shipping them would feed our summaries back to us forever).
    /// </summary>
    public IReadOnlyList<LogRecord> ToLogRecords(CloudWatchOrigin origin, string? ownLogGroup) =>
        IsControlMessage ? []
        : [new LogRecord(origin, LogEvents, ownLogGroup is not null && LogGroup == ownLogGroup ? DroppedOwnLogGroup : null)];

    /// <summary>Gives the lines' buffers back, when this record owns them (decoded on its own, not as part of an event).</summary>
    public void Dispose() => Interlocked.Exchange(ref _lines, null)?.Dispose();

    internal SubscriptionRecord Owning(LineArena lines)
    {
        _lines = lines;
        return this;
    }
}
