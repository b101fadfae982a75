using System.Buffers;
using System.Text.Json;
using LokiShipper.Buffers;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources.CloudWatch;

/// <summary>
/// Reads decompressed subscription JSON (<c>{"messageType","owner","logGroup","logStream","logEvents":[…]}</c>) into
/// a <see cref="SubscriptionRecord"/>, checking every field; each error names the field and the path inside it.
/// </summary>
/// <remarks>
/// A Utf8JsonReader loop rather than a (source-generated) deserializer: each message is copied once, as UTF-8, into
/// one pooled buffer, where deserializing would allocate a string per message and more than the record's size in
/// all. The <c>logEvents</c> array, nearly all of a record, goes first to <see cref="LogEventsScanner"/>, which reads
/// CloudWatch's own compact layout faster still (docs/performance.md).
/// </remarks>
internal static class SubscriptionParser
{
    /// <summary>Timestamps whose nanoseconds fit in 64 bits (years 1678 to 2262), as in Loki.</summary>
    internal const long MaxTimestampMs = long.MaxValue / LogLine.NanosPerMilli;

    internal const long MinTimestampMs = long.MinValue / LogLine.NanosPerMilli;

    /// <summary>Parses one record with buffers of its own (the record owns them): for tests and the CLI.</summary>
    public static SubscriptionRecord Parse(ReadOnlySequence<byte> json, string field) => Owned(lines => Parse(json, field, lines));

    /// <summary>Parses a record whose lines go to <paramref name="lines"/>, the buffers of the whole event.</summary>
    public static SubscriptionRecord Parse(ReadOnlySequence<byte> json, string field, LineArena lines)
    {
        if (!json.IsSingleSegment)
        {
            return Parse(json, field, lines, fastPath: false);
        }

        try
        {
            return Parse(json, field, lines, fastPath: true);
        }
        catch (InvalidEventException)
        {
            // Invalid input is read again by the reader alone, so errors name positions in the whole record.
            return Parse(json, field, lines, fastPath: false);
        }
    }

    /// <summary>Parses with or without <see cref="LogEventsScanner"/>: tests check that both give the same.</summary>
    internal static SubscriptionRecord Parse(ReadOnlySequence<byte> json, string field, bool fastPath) =>
        Owned(lines => Parse(json, field, lines, fastPath));

    private static SubscriptionRecord Parse(ReadOnlySequence<byte> json, string field, LineArena lines, bool fastPath)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            var fields = ReadRecord(ref reader, fastPath ? json.FirstSpan : default, json.Length, lines, field);
            var record = Validate(fields, field);
            if (!record.IsControlMessage)
            {
                lines.Commit(fields.LinesUsed); // a control message's events are not shipped: their space is reused
            }

            return record;
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"{field} does not hold valid subscription JSON: {ex.Message}", ex);
        }
    }

    /// <param name="whole">The record's JSON in one span, to read <c>logEvents</c> with <see cref="LogEventsScanner"/>; empty to use the reader only.</param>
    private static RecordFields ReadRecord(ref Utf8JsonReader reader, ReadOnlySpan<byte> whole, long jsonLength, LineArena lines, string field)
    {
        var readerStart = 0; // where in whole the reader's span starts, once it resumes after a scanned array
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            throw new InvalidEventException($"{field} holds JSON null instead of a subscription record");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidEventException($"{field} does not hold valid subscription JSON: the record is a JSON {reader.TokenType}, not an object");
        }

        var fields = new RecordFields();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("logEvents"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    // Unescaped messages are never longer than the JSON that holds them.
                    var (block, offset) = lines.Reserve((int)Math.Min(jsonLength, Array.MaxLength));
                    var events = lines.NewLineBuffer(jsonLength);
                    if (!whole.IsEmpty
                        && LogEventsScanner.TryRead(whole, readerStart + (int)reader.BytesConsumed, block, offset, events, out var used, out var end))
                    {
                        // The reader resumes at the array's ']' in the state it had after its '[', so it goes on
                        // checking the rest of the record.
                        reader = new Utf8JsonReader(whole[end..], isFinalBlock: true, reader.CurrentState);
                        readerStart = end;
                        reader.Read();
                        (fields.LogEvents, fields.LinesUsed) = (events, used);
                    }
                    else
                    {
                        events.Clear();
                        fields.LogEvents = ReadEvents(ref reader, events, block, offset, fields, field);
                    }
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    throw TypeError(field, "$.logEvents", "an array");
                }
            }
            else if (reader.ValueTextEquals("messageType"u8))
            {
                fields.MessageType = ReadString(ref reader, field, "$.messageType");
            }
            else if (reader.ValueTextEquals("owner"u8))
            {
                fields.Owner = ReadString(ref reader, field, "$.owner");
            }
            else if (reader.ValueTextEquals("logGroup"u8))
            {
                fields.LogGroup = ReadString(ref reader, field, "$.logGroup");
            }
            else if (reader.ValueTextEquals("logStream"u8))
            {
                fields.LogStream = ReadString(ref reader, field, "$.logStream");
            }
            else
            {
                reader.Read();
                reader.Skip(); // subscriptionFilters, and fields CloudWatch may add
            }
        }

        return fields;
    }

    private static LineBuffer ReadEvents(ref Utf8JsonReader reader, LineBuffer events, byte[] lines, int offset, RecordFields fields, string field)
    {
        var used = offset;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var index = events.Count;
            if (reader.TokenType == JsonTokenType.Null)
            {
                fields.EventProblem ??= $"{field}: logEvents[{index}] is null";
                events.Add(default);
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw TypeError(field, $"$.logEvents[{index}]", "an object");
            }

            long? timestamp = null;
            int? messageStart = null, messageLength = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("timestamp"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var ms))
                    {
                        timestamp = ms;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        throw TypeError(field, $"$.logEvents[{index}].timestamp", "a whole number of milliseconds");
                    }
                }
                else if (reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        // The reader has checked the escapes; a value split across chunks (records over 8 MiB) is rare.
                        var written = JsonEscapes.Unescape(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, lines.AsSpan(used));
                        if (written < 0)
                        {
                            throw TypeError(field, $"$.logEvents[{index}].message", "a string with valid escapes");
                        }

                        (messageStart, messageLength) = (used, written);
                        used += written;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        throw TypeError(field, $"$.logEvents[{index}].message", "a string");
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip(); // id
                }
            }

            if (timestamp is null)
            {
                fields.EventProblem ??= $"{field}: logEvents[{index}].timestamp is missing";
            }
            else if (timestamp is < MinTimestampMs or > MaxTimestampMs)
            {
                // Nanoseconds must fit in 64 bits (years 1678 to 2262), as in Loki.
                fields.EventProblem ??= $"{field}: logEvents[{index}].timestamp {timestamp} is not milliseconds between the years 1678 and 2262";
            }
            else if (messageStart is null)
            {
                fields.EventProblem ??= $"{field}: logEvents[{index}].message is missing";
            }

            // Out of range is a problem found above (the record is refused): only timestamps in range become nanoseconds.
            var nanos = timestamp is { } millis and >= MinTimestampMs and <= MaxTimestampMs ? millis * LogLine.NanosPerMilli : 0;
            events.Add(new LogLine(nanos, messageStart is { } start ? lines.AsMemory(start, messageLength!.Value) : default));
        }

        fields.LinesUsed = used - offset;
        return events;
    }

    private static string? ReadString(ref Utf8JsonReader reader, string field, string path)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => GetString(ref reader, field, path),
            JsonTokenType.Null => null,
            _ => throw TypeError(field, path, "a string"),
        };
    }

    /// <summary>The string as .NET text: labels and messages for people, so it must be valid UTF-8.</summary>
    private static string GetString(ref Utf8JsonReader reader, string field, string path)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 or an unpaired surrogate escape; the reader's own message names neither field nor record.
            throw TypeError(field, path, "valid UTF-8 text");
        }
    }

    private static InvalidEventException TypeError(string field, string path, string expected) =>
        new($"{field} does not hold valid subscription JSON: {path} is not {expected}");

    private static SubscriptionRecord Validate(RecordFields data, string field)
    {
        switch (data.MessageType)
        {
            case MessageTypes.ControlMessage:
                return new SubscriptionRecord(data.MessageType, data.Owner ?? string.Empty, data.LogGroup ?? string.Empty, data.LogStream ?? string.Empty, ArraySegment<LogLine>.Empty);
            case MessageTypes.DataMessage:
                break;
            case null:
                throw new InvalidEventException($"{field}: messageType is missing");
            default:
                throw new InvalidEventException($"{field}: messageType '{data.MessageType}' is neither DATA_MESSAGE nor CONTROL_MESSAGE");
        }

        var owner = Require(data.Owner, field, "owner");
        var logGroup = Require(data.LogGroup, field, "logGroup");
        var logStream = Require(data.LogStream, field, "logStream");
        var events = data.LogEvents ?? throw new InvalidEventException($"{field}: logEvents is missing in a DATA_MESSAGE");
        if (data.EventProblem is { } problem)
        {
            throw new InvalidEventException(problem);
        }

        return new SubscriptionRecord(data.MessageType, owner, logGroup, logStream, events.Segment);
    }

    private static string Require(string? value, string field, string name) =>
        string.IsNullOrEmpty(value) ? throw new InvalidEventException($"{field}: {name} is missing or empty") : value;

    /// <summary>Decodes one record with buffers of its own (the record owns them).</summary>
    internal static SubscriptionRecord Owned(Func<LineArena, SubscriptionRecord> decode)
    {
        var lines = new LineArena();
        try
        {
            return decode(lines).Owning(lines);
        }
        catch
        {
            lines.Dispose();
            throw;
        }
    }
}
