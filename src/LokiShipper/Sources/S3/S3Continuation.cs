using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources.S3;

/// <summary>
/// The rest of an S3 object that one invocation could not finish: the object (its version or ETag, so a changed object
/// is not mixed with the old one) and how many entries of it are delivered. The next invocation reads the object
/// again, skips those entries and ships the rest.
/// </summary>
/// <param name="Object">The object, with the version or ETag that was being read.</param>
/// <param name="EntriesDelivered">Entries of the object (in reading order, headers not counted) already delivered.</param>
internal sealed record S3Continuation(S3ObjectRef Object, long EntriesDelivered)
{
    /// <summary>The property that marks a continuation message.</summary>
    public const string Marker = "lokishipper_s3_continuation";

    /// <summary>The message body: <c>{"lokishipper_s3_continuation":{"bucket":…,"key":…,"entries_delivered":…}}</c>.</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(Marker);
            writer.WriteString("bucket", Object.Bucket);
            writer.WriteString("key", Object.Key);
            WriteIfSet(writer, "region", Object.Region);
            WriteIfSet(writer, "version_id", Object.VersionId);
            WriteIfSet(writer, "etag", Object.ETag);
            writer.WriteNumber("entries_delivered", EntriesDelivered);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The continuation <paramref name="json"/> holds, or null when it is not one.</summary>
    /// <exception cref="InvalidEventException">It is marked as one but a field is wrong.</exception>
    public static S3Continuation? TryRead(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty(Marker, out var body))
        {
            return null;
        }

        string Required(string name) => JsonText.StringProperty(body, name) is { } value && JsonText.TryGet(value) is { Length: > 0 } text
            ? text
            : throw new InvalidEventException($"{Marker}.{name} is missing or not a string");
        string? Optional(string name) => JsonText.StringProperty(body, name) is { } value ? JsonText.TryGet(value) : null;

        if (!body.TryGetProperty("entries_delivered", out var delivered) || !delivered.TryGetInt64(out var entries) || entries < 0)
        {
            throw new InvalidEventException($"{Marker}.entries_delivered is missing or not a whole number of entries");
        }

        return new S3Continuation(new S3ObjectRef(Required("bucket"), Required("key"), Optional("region"), Optional("version_id"), Optional("etag")), entries);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"s3://{Object.Bucket}/{Object.Key} from entry {EntriesDelivered}");

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
