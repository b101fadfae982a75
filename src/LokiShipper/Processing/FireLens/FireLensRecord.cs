using System.Text;
using System.Text.Json;

namespace LokiShipper.Processing.FireLens;

/// <summary>
/// A record Fluent Bit's <c>cloudwatch</c> output writes for an ECS container through FireLens:
/// <c>{"container_id","container_name","ecs_cluster","ecs_task_arn","ecs_task_definition","log","source"}</c>.
/// The line to ship is <c>log</c>; the rest describes where it came from and becomes structured metadata.
/// </summary>
internal static class FireLensRecord
{
    /// <summary>The fields carried as structured metadata, in this order.</summary>
    public static readonly string[] MetadataNames = ["container_name", "container_id", "ecs_cluster", "ecs_task_arn", "ecs_task_definition", "source"];

    /// <summary>
    /// Unwraps <paramref name="line"/> if it is such a record: a JSON object with a string <c>log</c> and at least one
    /// of <c>container_name</c>, <c>container_id</c>, <c>ecs_cluster</c>, <c>ecs_task_arn</c>. <paramref name="fields"/>
    /// (as long as <see cref="MetadataNames"/>) receives each field's value, empty when absent. Values without escapes
    /// are slices of <paramref name="line"/>; escaped ones are decoded into new arrays.
    /// </summary>
    public static bool TryUnwrap(ReadOnlyMemory<byte> line, out ReadOnlyMemory<byte> log, Span<ReadOnlyMemory<byte>> fields)
    {
        log = default;
        var span = line.Span;
        if (span.IsEmpty || span[0] != '{' || span.IndexOf("\"log\""u8) < 0
            || (span.IndexOf("\"container_"u8) < 0 && span.IndexOf("\"ecs_"u8) < 0))
        {
            return false;
        }

        fields.Clear();
        var found = false;
        var hasLog = false;
        var reader = new Utf8JsonReader(span);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var index = -2;
                if (reader.ValueTextEquals("log"u8))
                {
                    index = -1;
                }
                else
                {
                    for (var i = 0; i < MetadataNames.Length; i++)
                    {
                        if (reader.ValueTextEquals(MetadataNames[i]))
                        {
                            index = i;
                            break;
                        }
                    }
                }

                reader.Read();
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                if (index == -2 || reader.TokenType != JsonTokenType.String)
                {
                    continue;
                }

                var value = reader.ValueIsEscaped
                    ? Encoding.UTF8.GetBytes(reader.GetString()!)
                    : line.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                if (index == -1)
                {
                    log = value;
                    hasLog = true;
                }
                else
                {
                    fields[index] = value;
                    found |= index < 4;
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return hasLog && found;
    }
}
