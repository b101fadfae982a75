using System.Text.Json;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources.S3.Triggers;

/// <summary>
/// Fields of a notification found by their path below an object (<c>s3</c>, <c>object</c>, <c>key</c>). Errors name
/// the field as <c>prefix</c> + the path joined with dots; the name is built only when there is an error.
/// </summary>
internal static class NoticeFields
{
    /// <summary>The value at the path, or null when a step is missing or not an object.</summary>
    public static JsonElement? At(JsonElement obj, ReadOnlySpan<string> names)
    {
        var current = obj;
        foreach (var name in names)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>A string that must be there and not be empty (a bucket name, a key).</summary>
    public static string Required(JsonElement obj, string prefix, params ReadOnlySpan<string> names)
    {
        if (At(obj, names) is not { ValueKind: JsonValueKind.String } value)
        {
            throw new InvalidEventException($"{Name(prefix, names)} is missing or not a string");
        }

        var text = JsonText.TryGet(value) ?? throw new InvalidEventException($"{Name(prefix, names)} is not valid UTF-8 text");
        return text.Length > 0 ? text : throw new InvalidEventException($"{Name(prefix, names)} is empty");
    }

    /// <summary>
    /// A string the notification may leave out. JSON null counts as left out: S3 writes <c>"versionId":null</c> for
    /// buckets without versioning.
    /// </summary>
    public static string? Optional(JsonElement obj, string prefix, params ReadOnlySpan<string> names) =>
        At(obj, names) switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.String } value => JsonText.TryGet(value) ?? throw new InvalidEventException($"{Name(prefix, names)} is not valid UTF-8 text"),
            _ => throw new InvalidEventException($"{Name(prefix, names)} is not a string"),
        };

    /// <summary>An object size the notification may leave out (delete events have none).</summary>
    public static long? Size(JsonElement obj, string prefix, params ReadOnlySpan<string> names) =>
        At(obj, names) switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.Number } value when value.TryGetInt64(out var size) && size >= 0 => size,
            _ => throw new InvalidEventException($"{Name(prefix, names)} is not a whole number of bytes"),
        };

    private static string Name(string prefix, ReadOnlySpan<string> names) => prefix + string.Join('.', names!);
}
