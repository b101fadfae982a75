using System.Buffers;
using Google.Protobuf;
using LokiShipper.Batching;

namespace LokiShipper.Encode;

/// <summary>
/// Loki's default wire format: a <c>logproto.PushRequest</c> in protobuf, compressed as one snappy block.
/// Fields are written with Google.Protobuf's <see cref="CodedOutputStream"/> straight from our batch, so no message
/// objects are built; sizes are computed first because protobuf prefixes each message with its length.
/// </summary>
/// <remarks>
/// PushRequest{streams=1} · StreamAdapter{labels=1, entries=2} · EntryAdapter{timestamp=1, line=2,
/// structuredMetadata=3} · LabelPairAdapter{name=1, value=2} · Timestamp{seconds=1, nanos=2}.
/// </remarks>
public sealed class ProtobufSnappyEncoder : IPushEncoder
{
    public const string ContentType = "application/x-protobuf";

    public EncodedRequest Encode(PushBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // Sizes are computed once, in the order the entries are written, and reused for the length prefixes.
        var rawSize = 0;
        var streamSizes = new int[batch.Streams.Count];
        var entrySizes = ArrayPool<int>.Shared.Rent(Math.Max(batch.Streams.Sum(s => s.Entries.Count), 1));
        var raw = Array.Empty<byte>();
        try
        {
            var next = 0;
            for (var s = 0; s < batch.Streams.Count; s++)
            {
                streamSizes[s] = StreamSize(batch.Streams[s], entrySizes, ref next);
                rawSize += 1 + CodedOutputStream.ComputeLengthSize(streamSizes[s]) + streamSizes[s];
            }

            raw = ArrayPool<byte>.Shared.Rent(Math.Max(rawSize, 1));
            var output = new CodedOutputStream(raw);
            next = 0;
            for (var s = 0; s < batch.Streams.Count; s++)
            {
                WriteStream(output, batch.Streams[s], streamSizes[s], entrySizes, ref next);
            }

            output.Flush();
            var written = raw.Length - output.SpaceLeft;
            if (written != rawSize)
            {
                throw new InvalidOperationException($"protobuf size mismatch: computed {rawSize}, wrote {written}");
            }

            var compressed = ArrayPool<byte>.Shared.Rent(Snappier.Snappy.GetMaxCompressedLength(rawSize));
            var length = Snappier.Snappy.Compress(raw.AsSpan(0, rawSize), compressed);
            return new EncodedRequest(compressed, length, ContentType, null, pooled: true);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(entrySizes);
            if (raw.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(raw);
            }
        }
    }

    private static int StreamSize(LokiStream stream, int[] entrySizes, ref int next)
    {
        var size = 1 + CodedOutputStream.ComputeStringSize(stream.Labels.Text);
        foreach (var entry in stream.Entries)
        {
            var entrySize = entrySizes[next++] = EntrySize(entry);
            size += 1 + CodedOutputStream.ComputeLengthSize(entrySize) + entrySize;
        }

        return size;
    }

    private static (long Seconds, int Nanos) SplitTimestamp(long timestampNs)
    {
        var seconds = Math.DivRem(timestampNs, 1_000_000_000L, out var nanos);
        if (nanos < 0)
        {
            // google.protobuf.Timestamp wants 0 <= nanos < 1e9, also before 1970.
            seconds--;
            nanos += 1_000_000_000L;
        }

        return (seconds, (int)nanos);
    }

    private static int TimestampSize(long seconds, int nanos) =>
        (seconds != 0 ? 1 + CodedOutputStream.ComputeInt64Size(seconds) : 0)
        + (nanos != 0 ? 1 + CodedOutputStream.ComputeInt32Size(nanos) : 0);

    private static int PairSize(KeyValuePair<string, string> pair) =>
        1 + CodedOutputStream.ComputeStringSize(pair.Key) + 1 + CodedOutputStream.ComputeStringSize(pair.Value);

    private static int EntrySize(in LokiEntry entry)
    {
        var (seconds, nanos) = SplitTimestamp(entry.TimestampNs);
        var timestampSize = TimestampSize(seconds, nanos);
        var size = 1 + CodedOutputStream.ComputeLengthSize(timestampSize) + timestampSize;
        if (entry.LineBytes > 0)
        {
            size += 1 + CodedOutputStream.ComputeLengthSize(entry.LineBytes) + entry.LineBytes;
        }

        foreach (var pair in entry.Metadata.Pairs)
        {
            var pairSize = PairSize(pair);
            size += 1 + CodedOutputStream.ComputeLengthSize(pairSize) + pairSize;
        }

        return size;
    }

    private static void WriteStream(CodedOutputStream output, LokiStream stream, int streamSize, int[] entrySizes, ref int next)
    {
        output.WriteTag(1, WireFormat.WireType.LengthDelimited); // PushRequest.streams
        output.WriteLength(streamSize);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited); // StreamAdapter.labels
        output.WriteString(stream.Labels.Text);
        foreach (var entry in stream.Entries)
        {
            output.WriteTag(2, WireFormat.WireType.LengthDelimited); // StreamAdapter.entries
            output.WriteLength(entrySizes[next++]);

            var (seconds, nanos) = SplitTimestamp(entry.TimestampNs);
            output.WriteTag(1, WireFormat.WireType.LengthDelimited); // EntryAdapter.timestamp
            output.WriteLength(TimestampSize(seconds, nanos));
            if (seconds != 0)
            {
                output.WriteTag(1, WireFormat.WireType.Varint);
                output.WriteInt64(seconds);
            }

            if (nanos != 0)
            {
                output.WriteTag(2, WireFormat.WireType.Varint);
                output.WriteInt32(nanos);
            }

            if (entry.LineBytes > 0)
            {
                output.WriteTag(2, WireFormat.WireType.LengthDelimited); // EntryAdapter.line
                output.WriteString(entry.Line);
            }

            foreach (var pair in entry.Metadata.Pairs)
            {
                output.WriteTag(3, WireFormat.WireType.LengthDelimited); // EntryAdapter.structuredMetadata
                output.WriteLength(PairSize(pair));
                output.WriteTag(1, WireFormat.WireType.LengthDelimited);
                output.WriteString(pair.Key);
                output.WriteTag(2, WireFormat.WireType.LengthDelimited);
                output.WriteString(pair.Value);
            }
        }
    }
}
