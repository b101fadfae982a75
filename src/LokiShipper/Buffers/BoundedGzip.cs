using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace LokiShipper.Buffers;

/// <summary>
/// Gunzip with a hard cap on the decompressed size, so a gzip bomb fails after inflating at most the cap instead of
/// exhausting memory. The output is a chain of chunks (no copy-on-grow), so peak memory is the decompressed size
/// plus one chunk, not twice it. The chunks are rented from the shared array pool and go back when the result is
/// disposed: allocating them (1 MiB, on the large object heap) took most of the decode stage's time and memory.
/// </summary>
internal static class BoundedGzip
{
    private const int MaxChunkSize = 1024 * 1024;

    /// <summary>
    /// The first chunk takes the whole record when the trailer says it fits: JSON in one piece reads faster than a
    /// chain (the Utf8JsonReader span path; 1.4 MB record: see StageBenchmarks). Larger records continue in 1 MiB chunks.
    /// </summary>
    private const int MaxFirstChunkSize = 8 * 1024 * 1024;

    public static bool IsGzip(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b;

    /// <param name="compressed">One gzip member.</param>
    /// <param name="maxBytes">Largest decompressed size accepted.</param>
    /// <param name="field">The event field being decoded, for error messages.</param>
    /// <param name="capName">The setting that holds <paramref name="maxBytes"/>, for error messages.</param>
    public static Decompressed Decompress(ReadOnlyMemory<byte> compressed, long maxBytes, string field, string capName)
    {
        if (!IsGzip(compressed.Span))
        {
            throw new UnreadableInputException($"{field} is not gzip data (it does not start with the gzip magic bytes 1f 8b)");
        }

        if (compressed.Length < 18)
        {
            throw new UnreadableInputException($"{field} is truncated gzip: {compressed.Length} bytes is shorter than a gzip header and trailer");
        }

        // The trailer's ISIZE (size mod 2^32) sizes the first chunk and detects truncation, which .NET's GZipStream
        // otherwise reports as a clean end of stream. It is not trusted for the cap: a truncated stream ends in
        // arbitrary bytes, so the cap is enforced while inflating.
        var declared = BinaryPrimitives.ReadUInt32LittleEndian(compressed.Span[^4..]);

        using var input = new ReadOnlyMemoryStream(compressed);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        Chunk? first = null, last = null;
        long total = 0;
        var complete = false;
        try
        {
            var chunkSize = (int)Math.Clamp(Math.Min(declared, maxBytes) + 1, 4096, MaxFirstChunkSize);
            while (true)
            {
                var chunk = new Chunk(ArrayPool<byte>.Shared.Rent(chunkSize), last);
                first ??= chunk;
                last = chunk;
                var filled = 0;
                while (filled < chunk.Buffer.Length)
                {
                    var read = gzip.Read(chunk.Buffer, filled, chunk.Buffer.Length - filled);
                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                    if (total + filled > maxBytes)
                    {
                        throw TooLarge(field, capName, maxBytes);
                    }
                }

                chunk.Seal(filled, total);
                total += filled;
                if (filled < chunk.Buffer.Length)
                {
                    break;
                }

                chunkSize = MaxChunkSize;
            }

            if ((uint)total != declared)
            {
                throw new UnreadableInputException(
                    $"{field} is truncated or corrupt gzip: the trailer declares {declared} decompressed bytes but {total} were read");
            }

            complete = true;
            return new Decompressed(first!, last!);
        }
        catch (InvalidDataException ex)
        {
            throw new UnreadableInputException($"{field} is not valid gzip: {ex.Message}", ex);
        }
        finally
        {
            if (!complete)
            {
                Chunk.ReturnAll(first);
            }
        }
    }

    /// <summary>Decompressed bytes in pooled chunks; dispose to give the chunks back.</summary>
    public sealed class Decompressed : IDisposable
    {
        private Chunk? _first;

        internal Decompressed(Chunk first, Chunk last)
        {
            _first = first;
            Sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }

        public ReadOnlySequence<byte> Sequence { get; private set; }

        public void Dispose()
        {
            Sequence = ReadOnlySequence<byte>.Empty;
            Chunk.ReturnAll(Interlocked.Exchange(ref _first, null));
        }
    }

    private static UnreadableInputException TooLarge(string field, string capName, long maxBytes) =>
        new($"{field} decompresses to more than {capName} ({maxBytes} bytes); refusing to read further");

    internal sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(byte[] buffer, Chunk? previous)
        {
            Buffer = buffer;
            if (previous is not null)
            {
                previous.Next = this;
            }
        }

        public byte[] Buffer { get; }

        public void Seal(int length, long runningIndex)
        {
            Memory = Buffer.AsMemory(0, length);
            RunningIndex = runningIndex;
        }

        public static void ReturnAll(Chunk? chunk)
        {
            for (; chunk is not null; chunk = (Chunk?)chunk.Next)
            {
                ArrayPool<byte>.Shared.Return(chunk.Buffer);
            }
        }
    }
}

