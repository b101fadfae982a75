using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LokiShipper.Loki.Encoders;

/// <summary>
/// Loki's JSON push body: <c>{"streams":[{"stream":{…},"values":[["ns","line",{metadata}],…]}]}</c>, optionally
/// gzip'd. Lokis before 2.9 cannot read the third element (structured metadata) and reject the whole body.
/// </summary>
internal sealed class JsonPushEncoder : IPushEncoder
{
    public const string ContentType = "application/json";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Loki reads any valid JSON; relaxed escaping keeps non-ASCII lines readable in dry runs.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly bool _gzip;

    public JsonPushEncoder(bool gzip)
    {
        _gzip = gzip;
    }

    public EncodedRequest Encode(PushBatch batch, bool includeMetadata)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var buffer = new ArrayBufferWriter<byte>(checked((int)Math.Min(int.MaxValue, (batch.SizeBytes * 11 / 10) + 256)));
        Write(buffer, batch, includeMetadata);
        if (!_gzip)
        {
            var body = buffer.WrittenSpan.ToArray();
            return new EncodedRequest(body, body.Length, ContentType, null, pooled: false);
        }

        using var compressed = new MemoryStream(buffer.WrittenCount / 4 + 64);
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(buffer.WrittenSpan);
        }

        return new EncodedRequest(compressed.GetBuffer(), (int)compressed.Length, ContentType, "gzip", pooled: false);
    }

    private static void Write(IBufferWriter<byte> output, PushBatch batch, bool includeMetadata)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        Span<char> digits = stackalloc char[24];
        writer.WriteStartObject();
        writer.WriteStartArray("streams");
        foreach (var stream in batch.Streams)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("stream");
            foreach (var (name, value) in stream.Labels.Pairs)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("values");
            foreach (var entry in stream.Entries)
            {
                writer.WriteStartArray();
                entry.TimestampNs.TryFormat(digits, out var n, default, CultureInfo.InvariantCulture);
                writer.WriteStringValue(digits[..n]);
                writer.WriteStringValue(entry.Line.Span);
                if (includeMetadata && !entry.Metadata.IsEmpty)
                {
                    writer.WriteStartObject();
                    foreach (var (name, value) in entry.Metadata.Pairs)
                    {
                        writer.WriteString(name, value);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }
}
