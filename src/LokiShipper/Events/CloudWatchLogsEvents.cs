using System.Text;

namespace LokiShipper.Events;

// Our own event records: the Amazon.Lambda.*Events packages are not served by the feed CI restores from.
// Field names follow the documented CloudWatch Logs subscription payload; unknown fields are ignored.
// The subscription record itself is read by a hand-written Utf8JsonReader loop (see CloudWatchLogsDecoder.Parse),
// so there is no reflection and nothing for the trimmer to keep.

/// <summary>The two <c>messageType</c> values of a decoded subscription record.</summary>
public static class CloudWatchLogsData
{
    public const string DataMessage = "DATA_MESSAGE";
    public const string ControlMessage = "CONTROL_MESSAGE";
}

/// <summary>
/// One log event: <c>timestamp</c> in milliseconds since the Unix epoch, and the message as UTF-8 (JSON escapes
/// resolved). The bytes live in the pooled buffer of the record that holds the event: valid while it is.
/// </summary>
/// <remarks>
/// Lines stay UTF-8 from the decompressed JSON to the push request. As .NET strings, 1 MB of lines cost 2 MB of
/// allocations and two transcodings per invocation. The event's <c>id</c> (56 digits) is not kept: nothing uses it.
/// </remarks>
public readonly record struct CloudWatchLogEvent
{
    public CloudWatchLogEvent(long timestamp, ReadOnlyMemory<byte> messageUtf8)
    {
        Timestamp = timestamp;
        MessageUtf8 = messageUtf8;
    }

    public long Timestamp { get; init; }

    public ReadOnlyMemory<byte> MessageUtf8 { get; init; }

    /// <summary>The message as a string: allocates, for diagnostics and tests (the pipeline uses <see cref="MessageUtf8"/>).</summary>
    public string Message
    {
        get => Encoding.UTF8.GetString(MessageUtf8.Span);
        init => MessageUtf8 = Encoding.UTF8.GetBytes(value);
    }
}
