using System.Buffers;
using Google.Protobuf;

namespace LokiShipper.Loki.Encoders;

/// <summary>
/// Loki's default wire format: a <c>logproto.PushRequest</c> in protobuf, compressed as one snappy block.
/// Fields are written straight from our batch (lines as the UTF-8 they already are), so no message objects are
/// built; sizes are computed first, with Google.Protobuf's <see cref="CodedOutputStream"/>, because protobuf prefixes
/// each message with its length. Structured metadata is written when asked for: Loki 2 skips the field, Loki 3 refuses
/// the entry when it is disallowed (see <see cref="StructuredMetadataPolicy"/>).
/// </summary>
/// <remarks>
/// PushRequest{streams=1} · StreamAdapter{labels=1, entries=2} · EntryAdapter{timestamp=1, line=2,
/// structuredMetadata=3} · LabelPairAdapter{name=1, value=2} · Timestamp{seconds=1, nanos=2}.
/// </remarks>
internal sealed class ProtobufSnappyEncoder : IPushEncoder
{
    public const string ContentType = "application/x-protobuf";

    public EncodedRequest Encode(PushBatch batch, bool includeMetadata)
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
            var metadata = new MetadataField(includeMetadata);
            for (var s = 0; s < batch.Streams.Count; s++)
            {
                streamSizes[s] = StreamSize(batch.Streams[s], metadata, entrySizes, ref next);
                rawSize += 1 + CodedOutputStream.ComputeLengthSize(streamSizes[s]) + streamSizes[s];
            }

            raw = ArrayPool<byte>.Shared.Rent(Math.Max(rawSize, 1));
            var output = new ProtoWriter(raw);
            next = 0;
            for (var s = 0; s < batch.Streams.Count; s++)
            {
                WriteStream(output, batch.Streams[s], streamSizes[s], metadata, entrySizes, ref next);
            }

            var written = output.Position;
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

    private static int StreamSize(LokiStream stream, MetadataField metadata, int[] entrySizes, ref int next)
    {
        var size = 1 + CodedOutputStream.ComputeStringSize(stream.Labels.Text);
        foreach (var entry in stream.Entries)
        {
            var entrySize = entrySizes[next++] = EntrySize(entry, metadata);
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

    private static int EntrySize(in LokiEntry entry, MetadataField metadata)
    {
        var (seconds, nanos) = SplitTimestamp(entry.TimestampNs);
        var timestampSize = TimestampSize(seconds, nanos);
        var size = 1 + CodedOutputStream.ComputeLengthSize(timestampSize) + timestampSize;
        if (entry.LineBytes > 0)
        {
            size += 1 + CodedOutputStream.ComputeLengthSize(entry.LineBytes) + entry.LineBytes;
        }

        size += metadata.Get(entry.Metadata).Length;
        return size;
    }

    private static void WriteStream(ProtoWriter output, LokiStream stream, int streamSize, MetadataField metadata, int[] entrySizes, ref int next)
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
                // The line is already UTF-8: written as it is, with no transcoding.
                output.WriteTag(2, WireFormat.WireType.LengthDelimited); // EntryAdapter.line
                output.WriteLength(entry.LineBytes);
                output.WriteBytes(entry.Line.Span);
            }

            output.WriteBytes(metadata.Get(entry.Metadata));
        }
    }

    /// <summary>
    /// An entry's structuredMetadata fields, encoded once per metadata instance: all entries of a record share one,
    /// so the encoding is reused instead of re-encoding <c>log_stream</c> for each of 3,500 entries. The last few
    /// instances are kept: Lambda lines sorted by time alternate between a request's levels.
    /// </summary>
    private sealed class MetadataField(bool include)
    {
        private const int Remembered = 8;
        private readonly StructuredMetadata?[] _instances = new StructuredMetadata?[Remembered];
        private readonly byte[][] _encoded = new byte[Remembered][];
        private int _next;

        public ReadOnlySpan<byte> Get(StructuredMetadata metadata)
        {
            if (!include)
            {
                return [];
            }

            for (var i = 0; i < Remembered; i++)
            {
                if (ReferenceEquals(_instances[i], metadata))
                {
                    return _encoded[i];
                }
            }

            var encoded = Encode(metadata);
            _instances[_next] = metadata;
            _encoded[_next] = encoded;
            _next = (_next + 1) % Remembered;
            return encoded;
        }

        private static byte[] Encode(StructuredMetadata metadata)
        {
            var size = metadata.Pairs.Sum(pair => 1 + CodedOutputStream.ComputeLengthSize(PairSize(pair)) + PairSize(pair));
            var bytes = new byte[size];
            var output = new ProtoWriter(bytes);
            foreach (var pair in metadata.Pairs)
            {
                output.WriteTag(3, WireFormat.WireType.LengthDelimited); // EntryAdapter.structuredMetadata
                output.WriteLength(PairSize(pair));
                output.WriteTag(1, WireFormat.WireType.LengthDelimited);
                output.WriteString(pair.Key);
                output.WriteTag(2, WireFormat.WireType.LengthDelimited);
                output.WriteString(pair.Value);
            }

            return bytes;
        }
    }

    /// <summary>
    /// Protobuf's wire format into a buffer of the computed size. Google.Protobuf's <see cref="CodedOutputStream"/>
    /// writes raw bytes only from a ByteString: one object per line, 3,500 per batch, for lines that are already
    /// UTF-8. Sizes still come from <see cref="CodedOutputStream"/>'s Compute* methods, and a test checks the output
    /// byte for byte against the protoc-generated serializer.
    /// </summary>
    private sealed class ProtoWriter(byte[] buffer)
    {
        public int Position { get; private set; }

        public void WriteTag(int field, WireFormat.WireType type) => WriteVarint((uint)((field << 3) | (int)type));

        public void WriteLength(int length) => WriteVarint((uint)length);

        public void WriteInt64(long value) => WriteVarint((ulong)value);

        // Negative int32 values are sign-extended to ten bytes, as protobuf specifies.
        public void WriteInt32(int value) => WriteVarint((ulong)(long)value);

        public void WriteString(string value)
        {
            WriteLength(System.Text.Encoding.UTF8.GetByteCount(value));
            Position += System.Text.Encoding.UTF8.GetBytes(value, buffer.AsSpan(Position));
        }

        public void WriteBytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(buffer.AsSpan(Position));
            Position += bytes.Length;
        }

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                buffer[Position++] = (byte)(value | 0x80);
                value >>= 7;
            }

            buffer[Position++] = (byte)value;
        }
    }
}
