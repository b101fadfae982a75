using System.IO.Compression;
using System.Text.Json;
using LokiShipper.Tests.Support.Proto;

namespace LokiShipper.Tests.Support;

/// <summary>One entry as Loki decoded it.</summary>
public sealed record ReceivedEntry(long TimestampNs, string Line, IReadOnlyDictionary<string, string> Metadata);

/// <summary>One stream as Loki decoded it: label text, parsed labels, entries.</summary>
public sealed record ReceivedStream(string LabelsText, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<ReceivedEntry> Entries);

/// <summary>One push request as Loki decoded it.</summary>
public sealed record ReceivedPush(
    string? ContentType,
    string? ContentEncoding,
    IReadOnlyDictionary<string, string> Headers,
    int BodyBytes,
    IReadOnlyList<ReceivedStream> Streams)
{
    public int EntryCount => Streams.Sum(s => s.Entries.Count);

    /// <summary>Decodes a push body exactly as Loki's push handler does (pkg/loghttp/push).</summary>
    public static ReceivedPush Decode(string? contentType, string? contentEncoding, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            throw new InvalidDataException("missing Content-Type");
        }

        var mediaType = contentType.Split(';')[0].Trim();
        if (mediaType == "application/json")
        {
            var json = contentEncoding == "gzip" ? Gunzip(body) : body;
            return new ReceivedPush(contentType, contentEncoding, headers, body.Length, DecodeJson(json));
        }

        // Loki treats every other Content-Type as snappy-compressed protobuf.
        var raw = Snappier.Snappy.DecompressToArray(body);
        var request = PushRequest.Parser.ParseFrom(raw);
        var streams = request.Streams.Select(s => new ReceivedStream(
            s.Labels,
            LabelText.Parse(s.Labels),
            s.Entries.Select(e => new ReceivedEntry(
                (e.Timestamp.Seconds * 1_000_000_000L) + e.Timestamp.Nanos,
                e.Line,
                e.StructuredMetadata.ToDictionary(p => p.Name, p => p.Value))).ToList())).ToList();
        return new ReceivedPush(contentType, contentEncoding, headers, body.Length, streams);
    }

    private static byte[] Gunzip(byte[] body)
    {
        using var input = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static List<ReceivedStream> DecodeJson(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var streams = new List<ReceivedStream>();
        foreach (var stream in document.RootElement.GetProperty("streams").EnumerateArray())
        {
            var labels = stream.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var entries = new List<ReceivedEntry>();
            foreach (var value in stream.GetProperty("values").EnumerateArray())
            {
                var metadata = value.GetArrayLength() > 2
                    ? value[2].EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
                    : new Dictionary<string, string>();
                entries.Add(new ReceivedEntry(long.Parse(value[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture), value[1].GetString()!, metadata));
            }

            var text = "{" + string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
            streams.Add(new ReceivedStream(text, labels, entries));
        }

        return streams;
    }
}
