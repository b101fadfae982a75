using System.Text.Json;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources;

/// <summary>Strings of an event as .NET text, with errors that name the field when they are not valid UTF-8.</summary>
internal static class JsonText
{
    /// <summary>The string, or an error naming it as <c>Records[index].name</c> (the message is built only on failure).</summary>
    public static string Get(JsonElement value, int index, string name) =>
        TryGet(value) ?? throw new InvalidEventException($"Records[{index}].{name} is not valid UTF-8 text");

    /// <summary>The string, or an error naming it as <paramref name="field"/>.</summary>
    public static string Get(JsonElement value, string field) =>
        TryGet(value) ?? throw new InvalidEventException($"{field} is not valid UTF-8 text");

    public static string? TryGet(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return null; // invalid UTF-8, or an unpaired surrogate escape
        }
    }

    /// <summary>A string field of an object, or null when it is missing or not a string.</summary>
    public static JsonElement? StringProperty(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value : null;

    /// <summary>JSON held in a string (an SQS body, an SNS message); <paramref name="field"/> names it in errors.</summary>
    public static JsonDocument ParseEmbedded(string json, string field)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"{field} is not valid JSON: {ex.Message}", ex);
        }
    }
}
