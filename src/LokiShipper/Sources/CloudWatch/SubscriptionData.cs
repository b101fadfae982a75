using System.Buffers;
using System.Text.Json;
using LokiShipper.Buffers;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources.CloudWatch;

/// <summary>
/// The ways a CloudWatch Logs subscription record travels: <c>{"awslogs":{"data":"…"}}</c> (base64 of gzip), a Lambda
/// on-failure record whose <c>requestPayload</c> is one, or gzip'd (or plain) JSON in a Kinesis record. Every error
/// names the field.
/// </summary>
internal static class SubscriptionData
{
    /// <summary>
    /// Decodes the two shapes that carry a CloudWatch Logs event: <c>{"awslogs":…}</c>, and a Lambda on-failure
    /// destination record whose <c>requestPayload</c> is one. Null when <paramref name="root"/> is neither.
    /// </summary>
    /// <param name="root">The event, or an SQS message body.</param>
    /// <param name="path">How errors name <paramref name="root"/>: empty for the event itself, else ending in '.'.</param>
    /// <param name="lines">Where the lines go.</param>
    /// <param name="maxDecompressedBytes">The cap on the decompressed record.</param>
    public static SubscriptionRecord? TryDecode(JsonElement root, string path, LineArena lines, long maxDecompressedBytes)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("awslogs", out var awslogs))
        {
            return DecodeAwsLogs(awslogs, path + "awslogs", lines, maxDecompressedBytes);
        }

        if (!root.TryGetProperty("requestPayload", out var payload))
        {
            return null;
        }

        return payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("awslogs", out var original)
            ? DecodeAwsLogs(original, path + "requestPayload.awslogs", lines, maxDecompressedBytes)
            : throw new InvalidEventException($"{path}requestPayload is not a CloudWatch Logs subscription event");
    }

    /// <summary>Decodes gzip'd subscription JSON, or plain JSON when it is not gzip (a producer of one's own may write it so).</summary>
    public static SubscriptionRecord DecodeGzipOrPlain(ReadOnlyMemory<byte> bytes, string field, LineArena lines, long maxDecompressedBytes) =>
        BoundedGzip.IsGzip(bytes.Span) ? Decode(bytes, field, lines, maxDecompressedBytes)
        : bytes.Length <= maxDecompressedBytes ? SubscriptionParser.Parse(new ReadOnlySequence<byte>(bytes), field, lines)
        : throw new InvalidEventException($"{field} is {bytes.Length} bytes, more than MAX_DECOMPRESSED_BYTES ({maxDecompressedBytes} bytes)");

    /// <summary>Decodes gzip'd subscription JSON (the bytes behind <c>awslogs.data</c>) with buffers of its own (the record owns them).</summary>
    public static SubscriptionRecord Decode(ReadOnlyMemory<byte> compressed, string field, long maxDecompressedBytes) =>
        SubscriptionParser.Owned(lines => Decode(compressed, field, lines, maxDecompressedBytes));

    /// <summary>Decodes gzip'd subscription JSON (the bytes behind <c>awslogs.data</c> or a Kinesis record).</summary>
    public static SubscriptionRecord Decode(ReadOnlyMemory<byte> compressed, string field, LineArena lines, long maxDecompressedBytes)
    {
        BoundedGzip.Decompressed json;
        try
        {
            json = BoundedGzip.Decompress(compressed, maxDecompressedBytes, field, "MAX_DECOMPRESSED_BYTES");
        }
        catch (UnreadableInputException ex)
        {
            throw new InvalidEventException(ex.Message, ex);
        }

        using (json)
        {
            return SubscriptionParser.Parse(json.Sequence, field, lines);
        }
    }

    private static SubscriptionRecord DecodeAwsLogs(JsonElement awslogs, string path, LineArena lines, long maxDecompressedBytes)
    {
        var field = path + ".data";
        if (JsonText.StringProperty(awslogs, "data") is not { } data)
        {
            throw new InvalidEventException($"{field} is missing or not a string");
        }

        using var compressed = Base64Bytes.Decode(data, field);
        return Decode(compressed.Memory, field, lines, maxDecompressedBytes);
    }
}
