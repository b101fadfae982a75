using System.IO.Compression;
using System.Text;
using System.Text.Unicode;
using LokiShipper.Pipeline;
using LokiShipper.Sources.S3.Reading;
using Xunit.Abstractions;

namespace LokiShipper.Tests.Sources.S3.Reading;

/// <summary>
/// Lines as the S3 source reads them: split wherever the reads fall, long lines cut exactly as
/// <see cref="LineTruncation"/> cuts them and reading going on after them, invalid UTF-8 repaired as
/// <see cref="Encoding.UTF8"/> decodes it, and memory bounded whatever the stream holds.
/// </summary>
public class LineSplitterTests
{
    private const int KiB = 1024;

    private readonly ITestOutputHelper _output;

    public LineSplitterTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>A stream that hands out at most a few bytes per read, as a slow network does.</summary>
    private sealed class TrickleStream(byte[] data, int perRead) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, perRead), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>
    /// <paramref name="total"/> bytes made up while being read, never held: one line of <paramref name="lineLength"/>
    /// bytes repeated (the last byte of each a newline), or, with <paramref name="oneLongLine"/>, a single line.
    /// </summary>
    private sealed class GeneratedStream(long total, int lineLength, bool oneLongLine = false) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => total;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, total - _position);
            for (var i = 0; i < n; i++)
            {
                var at = _position + i;
                buffer[i] = oneLongLine
                    ? (at == total - 1 ? (byte)'\n' : (byte)('a' + (at % 26)))
                    : (at % lineLength == lineLength - 1 ? (byte)'\n' : (byte)('a' + (at % lineLength % 26)));
            }

            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed record Line(string Text, bool Truncated, long OriginalLength, byte[] Bytes);

    private static async Task<List<Line>> ReadAll(Stream stream, int maxLineBytes, int chunkBytes = LineSplitter.DefaultChunkBytes)
    {
        using var lines = new LineSplitter(stream, maxLineBytes, chunkBytes);
        List<Line> result = [];
        while (await lines.ReadLineAsync())
        {
            var bytes = lines.Current.Utf8.ToArray();
            Assert.True(Utf8.IsValid(bytes), "every line handed out is valid UTF-8");
            result.Add(new Line(Encoding.UTF8.GetString(bytes), lines.Current.Truncated, lines.Current.OriginalLength, bytes));
        }

        Assert.False(await lines.ReadLineAsync(), "the end stays the end");
        return result;
    }

    private static Task<List<Line>> ReadAll(byte[] data, int maxLineBytes, int perRead = int.MaxValue, int chunkBytes = LineSplitter.DefaultChunkBytes) =>
        ReadAll(new TrickleStream(data, perRead), maxLineBytes, chunkBytes);

    private static Task<List<Line>> ReadAll(string text, int maxLineBytes, int perRead = int.MaxValue, int chunkBytes = LineSplitter.DefaultChunkBytes) =>
        ReadAll(Encoding.UTF8.GetBytes(text), maxLineBytes, perRead, chunkBytes);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(int.MaxValue)]
    public async Task Lines_split_across_reads_come_out_whole(int perRead)
    {
        var lines = await ReadAll("alpha\nbeta gamma delta\ncafé € 😀 é\nlast\n", 256, perRead, chunkBytes: 16);

        Assert.Equal(["alpha", "beta gamma delta", "café € 😀 é", "last"], lines.Select(l => l.Text));
        Assert.All(lines, l => Assert.False(l.Truncated));
        Assert.Equal([5L, 16L, Encoding.UTF8.GetByteCount("café € 😀 é"), 4L], lines.Select(l => l.OriginalLength));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public async Task A_carriage_return_before_the_newline_or_at_the_end_is_dropped(int perRead)
    {
        var lines = await ReadAll("windows\r\nline\r\nwith \r inside\r\nlast\r", 256, perRead);

        Assert.Equal(["windows", "line", "with \r inside", "last"], lines.Select(l => l.Text));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public async Task The_last_line_counts_without_a_newline_and_a_final_newline_adds_no_line(int perRead)
    {
        Assert.Equal(["one", "two"], (await ReadAll("one\ntwo", 256, perRead)).Select(l => l.Text));
        Assert.Equal(["one", "two"], (await ReadAll("one\ntwo\n", 256, perRead)).Select(l => l.Text));
        Assert.Equal(["x"], (await ReadAll("x", 256, perRead)).Select(l => l.Text));
        Assert.Empty(await ReadAll("", 256, perRead));
    }

    [Fact]
    public async Task Empty_lines_are_skipped_and_counted()
    {
        using var lines = new LineSplitter(new MemoryStream("\n\n a\n\r\n\nb\n\n"u8.ToArray()), 256);
        List<string> texts = [];
        while (await lines.ReadLineAsync())
        {
            texts.Add(Encoding.UTF8.GetString(lines.Current.Utf8.Span));
        }

        Assert.Equal([" a", "b"], texts);
        Assert.Equal(5, lines.EmptyLinesSkipped);
        Assert.Equal(11, lines.BytesConsumed);
    }

    [Fact]
    public async Task Bytes_consumed_counts_through_the_newline_of_the_current_line()
    {
        using var lines = new LineSplitter(new TrickleStream("ab\r\ncd\n\nef"u8.ToArray(), 3), 256);
        List<long> consumed = [];
        while (await lines.ReadLineAsync())
        {
            consumed.Add(lines.BytesConsumed);
        }

        Assert.Equal([4L, 7L, 10L], consumed);
    }

    public static TheoryData<string, int> LongLines => new()
    {
        // ASCII, and characters of 2, 3 and 4 bytes so the cut falls inside a character for some of the read sizes.
        { "x", 3 }, { "x", 1000 }, { "x", 64 * KiB }, { "x", int.MaxValue },
        { "é", 3 }, { "é", int.MaxValue },
        { "€", 3 }, { "€", 1000 }, { "€", int.MaxValue },
        { "a😀", 3 }, { "a😀", 999 }, { "a😀", int.MaxValue },
    };

    [Theory]
    [MemberData(nameof(LongLines))]
    public async Task A_100_KiB_line_is_cut_to_64_KiB_with_the_marker_exactly_as_LineTruncation_cuts_and_the_next_lines_are_intact(string unit, int perRead)
    {
        const int max = 64 * KiB;
        var longLine = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(unit, 100 * KiB / Encoding.UTF8.GetByteCount(unit) + 1)))[..(100 * KiB)];
        longLine = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(longLine).TrimEnd('\uFFFD')); // whole characters only
        var data = Encoding.UTF8.GetBytes("before\n").Concat(longLine).Concat(Encoding.UTF8.GetBytes("\r\nafter one\nafter two")).ToArray();

        var lines = await ReadAll(data, max, perRead);

        var expected = LineTruncation.Truncate(longLine, max, out var truncated).ToArray();
        Assert.True(truncated);
        Assert.Equal(["before", Encoding.UTF8.GetString(expected), "after one", "after two"], lines.Select(l => l.Text));
        Assert.Equal(expected, lines[1].Bytes);
        Assert.True(lines[1].Truncated);
        Assert.Equal(longLine.Length, lines[1].OriginalLength);
        Assert.True(lines[1].Bytes.Length <= max);
        Assert.EndsWith(LineTruncation.Marker(longLine.Length), lines[1].Text, StringComparison.Ordinal);
        Assert.Equal([false, true, false, false], lines.Select(l => l.Truncated));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(int.MaxValue)]
    public async Task A_line_of_exactly_the_limit_stays_whole_even_before_a_CRLF_and_one_byte_more_is_cut(int perRead)
    {
        const int max = 200;
        var exact = new string('e', max);
        var over = new string('o', max + 1);

        var lines = await ReadAll($"{exact}\r\n{exact}\n{over}\r\n{over}\nend", max, perRead, chunkBytes: 64);

        Assert.Equal([exact, exact], lines.Take(2).Select(l => l.Text));
        Assert.Equal([false, false, true, true, false], lines.Select(l => l.Truncated));
        var cut = Encoding.UTF8.GetString(LineTruncation.Truncate(Encoding.UTF8.GetBytes(over), max, out _).Span);
        Assert.Equal([cut, cut, "end"], lines.Skip(2).Select(l => l.Text));
        Assert.Equal([max + 1L, max + 1L], lines.Skip(2).Take(2).Select(l => l.OriginalLength));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public async Task An_overlong_last_line_without_a_newline_is_cut_too(int perRead)
    {
        var over = new string('z', 5000);

        var lines = await ReadAll($"first\n{over}", 1000, perRead, chunkBytes: 256);

        Assert.Equal(["first", Encoding.UTF8.GetString(LineTruncation.Truncate(Encoding.UTF8.GetBytes(over), 1000, out _).Span)], lines.Select(l => l.Text));
        Assert.Equal(5000, lines[1].OriginalLength);
    }

    [Fact]
    public async Task With_no_limit_a_long_line_passes_whole_and_only_the_16_MiB_hard_limit_cuts()
    {
        var oneMiB = new string('m', 1024 * KiB);
        var beyond = new string('h', LineSplitter.HardLimitBytes + 10);

        var lines = await ReadAll($"{oneMiB}\n{beyond}\nshort", maxLineBytes: 0);

        Assert.Equal(oneMiB, lines[0].Text);
        Assert.False(lines[0].Truncated);
        Assert.Equal(LineTruncation.Truncate(Encoding.UTF8.GetBytes(beyond), LineSplitter.HardLimitBytes, out _).ToArray(), lines[1].Bytes);
        Assert.True(lines[1].Truncated);
        Assert.Equal(beyond.Length, lines[1].OriginalLength);
        Assert.Equal("short", lines[2].Text);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'o', (byte)'k', 0xFF, (byte)'!' })]
    [InlineData(new byte[] { 0xC3, (byte)'a' })] // a lead byte without its continuation
    [InlineData(new byte[] { (byte)'a', 0xE2, 0x82 })] // a character cut short at the end of the line
    [InlineData(new byte[] { 0xED, 0xA0, 0x80, (byte)'s' })] // a UTF-16 surrogate encoded as UTF-8
    [InlineData(new byte[] { 0xC0, 0xAF, 0xF8, 0x80, 0x80, 0x80, 0x80 })] // overlong and 5-byte forms
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98, (byte)'x', 0xF0, 0x9F, 0x98, 0x80 })]
    public async Task Invalid_UTF8_becomes_U_FFFD_as_Encoding_UTF8_decodes_it(byte[] invalid)
    {
        var data = "valid\n"u8.ToArray().Concat(invalid).Concat("\nnext"u8.ToArray()).ToArray();

        var lines = await ReadAll(data, 256, perRead: 2);

        Assert.Equal(["valid", Encoding.UTF8.GetString(invalid), "next"], lines.Select(l => l.Text));
        Assert.Contains('\uFFFD', lines[1].Text);
        Assert.Equal(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(invalid)), lines[1].Bytes);
        Assert.Equal(invalid.Length, lines[1].OriginalLength);
        Assert.False(lines[1].Truncated);
    }

    [Fact]
    public void Repair_matches_Encoding_UTF8_on_random_bytes()
    {
        var random = new Random(20240601);
        var destination = new byte[3 * 64];
        for (var round = 0; round < 20_000; round++)
        {
            var source = new byte[random.Next(0, 64)];
            random.NextBytes(source);

            // Bias towards bytes that make (in)valid sequences: lead bytes, continuations, ASCII.
            for (var i = 0; i < source.Length; i++)
            {
                source[i] = (random.Next(4)) switch
                {
                    0 => (byte)random.Next(0x80, 0xC0),
                    1 => (byte)random.Next(0xC0, 0x100),
                    2 => (byte)random.Next(0x00, 0x80),
                    _ => source[i],
                };
            }

            var written = Utf8Repair.Copy(source, destination, out var consumed);

            Assert.Equal(source.Length, consumed);
            Assert.Equal(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(source)), destination[..written]);
        }
    }

    [Fact]
    public async Task A_line_that_repair_makes_longer_than_the_limit_is_cut_on_a_character_with_the_marker()
    {
        const int max = 300;
        var invalid = Enumerable.Repeat((byte)0xFF, 200).ToArray(); // 200 bytes in, 600 bytes of U+FFFD out

        var lines = await ReadAll(invalid.Concat("\nafter"u8.ToArray()).ToArray(), max);

        Assert.True(lines[0].Truncated);
        Assert.Equal(200, lines[0].OriginalLength);
        Assert.True(lines[0].Bytes.Length <= max);
        var marker = LineTruncation.Marker(200);
        Assert.EndsWith(marker, lines[0].Text, StringComparison.Ordinal);
        Assert.Equal(new string('\uFFFD', (max - Encoding.UTF8.GetByteCount(marker)) / 3), lines[0].Text[..^marker.Length]);
        Assert.Equal("after", lines[1].Text);
    }

    [Fact]
    public async Task A_line_valid_up_to_the_cut_that_repair_makes_too_long_keeps_its_valid_start_and_the_next_line()
    {
        const int max = 300;
        var marker = Encoding.UTF8.GetBytes(LineTruncation.Marker(282));
        var line = Enumerable.Repeat((byte)'v', 262).Concat(Enumerable.Repeat((byte)0xFF, 20)).ToArray(); // 262 + 20 × 3 = 322 bytes repaired

        var lines = await ReadAll(line.Concat("\nnext line right after"u8.ToArray()).ToArray(), max);

        Assert.Equal(Enumerable.Repeat((byte)'v', max - marker.Length).Concat(marker), lines[0].Bytes);
        Assert.True(lines[0].Truncated);
        Assert.Equal(282, lines[0].OriginalLength);
        Assert.Equal("next line right after", lines[1].Text);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public async Task A_cut_line_with_invalid_UTF8_in_its_kept_start_is_repaired_and_still_fits(int perRead)
    {
        const int max = 1000;
        var line = Enumerable.Range(0, 3000).Select(i => i % 7 == 0 ? (byte)0xFE : (byte)'k').ToArray();

        var lines = await ReadAll(line.Concat("\nok"u8.ToArray()).ToArray(), max, perRead, chunkBytes: 128);

        Assert.True(lines[0].Truncated);
        Assert.Equal(3000, lines[0].OriginalLength);
        Assert.True(lines[0].Bytes.Length <= max);
        var marker = LineTruncation.Marker(3000);
        Assert.EndsWith(marker, lines[0].Text, StringComparison.Ordinal);
        Assert.StartsWith(Encoding.UTF8.GetString(lines[0].Bytes.AsSpan(0, lines[0].Bytes.Length - Encoding.UTF8.GetByteCount(marker))), Encoding.UTF8.GetString(line), StringComparison.Ordinal);
        Assert.Equal("ok", lines[1].Text);
    }

    [Fact]
    public async Task Random_valid_text_read_in_random_pieces_matches_a_plain_split_with_LineTruncation()
    {
        var random = new Random(7);
        string[] alphabet = ["a", "b", " ", "é", "€", "😀", "\r", "\n", "\n", "\r\n"];
        for (var round = 0; round < 200; round++)
        {
            var max = random.Next(128, 400);
            var text = new StringBuilder();
            while (text.Length < random.Next(0, 5000))
            {
                // Runs of one piece make long lines (some past the limit) and runs of newlines.
                var piece = alphabet[random.Next(alphabet.Length)];
                text.Insert(text.Length, piece, random.Next(1, random.Next(2) == 0 ? 4 : 300));
            }

            var data = Encoding.UTF8.GetBytes(text.ToString());
            var expected = Encoding.UTF8.GetString(data).Split('\n')
                .Select(l => l.EndsWith('\r') ? l[..^1] : l)
                .Where(l => l.Length > 0)
                .Select(l => Encoding.UTF8.GetBytes(l))
                .Select(b => (Bytes: LineTruncation.Truncate(b, max, out var cut).ToArray(), Cut: cut, Length: (long)b.Length))
                .ToList();

            var lines = await ReadAll(data, max, perRead: random.Next(1, 700), chunkBytes: random.Next(1, 300));

            Assert.Equal(expected.Select(e => Convert.ToHexString(e.Bytes)), lines.Select(l => Convert.ToHexString(l.Bytes)));
            Assert.Equal(expected.Select(e => (e.Cut, e.Length)), lines.Select(l => (l.Truncated, l.OriginalLength)));
        }
    }

    [Fact]
    public async Task Concatenated_gzip_members_decompress_fully_through_GZipStream()
    {
        var members = new MemoryStream();
        foreach (var part in (string[])["first member 1\nfirst member 2\n", "second member 1\n", "third member, no final newline"])
        {
            using var gzip = new GZipStream(members, CompressionLevel.Optimal, leaveOpen: true);
            gzip.Write(Encoding.UTF8.GetBytes(part));
        }

        members.Position = 0;
        await using var decompressed = new GZipStream(members, CompressionMode.Decompress);

        var lines = await ReadAll(decompressed, 256);

        Assert.Equal(["first member 1", "first member 2", "second member 1", "third member, no final newline"], lines.Select(l => l.Text));
    }

    [Fact]
    public async Task Fifty_MB_of_short_lines_read_with_bounded_allocation()
    {
        const long total = 50_000_000;
        const int lineLength = 100;
        await ReadCount(new GeneratedStream(1_000_000, lineLength)); // warm up: JIT and the pool's first arrays

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (count, bytes) = await ReadCount(new GeneratedStream(total, lineLength));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        _output.WriteLine($"{allocated:N0} bytes allocated reading {total:N0} bytes in {count:N0} lines");

        Assert.Equal(total / lineLength, count);
        Assert.Equal(total / lineLength * (lineLength - 1), bytes);

        // Reading holds one 128 KiB buffer at most; 1 MiB leaves room for the runtime, not for anything per line.
        Assert.True(allocated < 1024 * KiB, $"{allocated:N0} bytes allocated reading {total:N0} bytes");
    }

    [Fact]
    public async Task A_50_MB_line_is_skipped_over_without_being_held_and_the_next_line_is_read()
    {
        const long total = 50_000_000;
        var stream = new ConcatenatedStream(new GeneratedStream(total, 0, oneLongLine: true), new MemoryStream("the next line\n"u8.ToArray()));
        using var lines = new LineSplitter(stream, 64 * KiB);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(await lines.ReadLineAsync());
        var cut = lines.Current;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        _output.WriteLine($"{allocated:N0} bytes allocated skipping a {total:N0}-byte line");

        Assert.True(cut.Truncated);
        Assert.Equal(total - 1, cut.OriginalLength);
        Assert.Equal(64 * KiB, cut.Utf8.Length);
        Assert.EndsWith(LineTruncation.Marker((int)(total - 1)), Encoding.UTF8.GetString(cut.Utf8.Span), StringComparison.Ordinal);
        Assert.True(allocated < 1024 * KiB, $"{allocated:N0} bytes allocated skipping a {total:N0}-byte line");
        Assert.True(await lines.ReadLineAsync());
        Assert.Equal("the next line", Encoding.UTF8.GetString(lines.Current.Utf8.Span));
        Assert.False(await lines.ReadLineAsync());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(127)]
    [InlineData(-1)]
    public void A_limit_too_small_for_the_marker_is_refused(int maxLineBytes)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineSplitter(new MemoryStream(), maxLineBytes));
    }

    private static async Task<(long Count, long Bytes)> ReadCount(Stream stream)
    {
        using var lines = new LineSplitter(stream, 256 * KiB);
        long count = 0, bytes = 0;
        while (await lines.ReadLineAsync())
        {
            count++;
            bytes += lines.Current.Utf8.Length;
        }

        return (count, bytes);
    }

    /// <summary>One stream after the other.</summary>
    private sealed class ConcatenatedStream(Stream first, Stream second) : Stream
    {
        private bool _firstDone;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!_firstDone)
            {
                var n = first.Read(buffer);
                if (n > 0)
                {
                    return n;
                }

                _firstDone = true;
            }

            return second.Read(buffer);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
