using System.Numerics;
using System.Runtime.Intrinsics;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// Where a line has digits, '.', ':' and '@': one bit per byte (bit <c>i % 64</c> of word <c>i / 64</c>), found in one
/// vectorised pass. The rules for card numbers and addresses look only where these bytes stand, so a line costs
/// them one pass and a few bit operations instead of a search per digit run or per dot.
/// </summary>
internal readonly ref struct LineMap
{
    /// <summary>Words of the four maps that live on the stack; a longer line rents them.</summary>
    public const int StackWords = 4 * 64;

    public LineMap(ReadOnlySpan<byte> line, Span<ulong> words)
    {
        var count = WordCount(line.Length);
        Digits = words[..count];
        Dots = words.Slice(count, count);
        Colons = words.Slice(2 * count, count);
        Ats = words.Slice(3 * count, count);
        Fill(line, words[..(4 * count)], count);
    }

    public ReadOnlySpan<ulong> Digits { get; }

    public ReadOnlySpan<ulong> Dots { get; }

    public ReadOnlySpan<ulong> Colons { get; }

    public ReadOnlySpan<ulong> Ats { get; }

    public static int WordCount(int length) => (length + 63) / 64;

    /// <summary>Bit i set when byte i - 1 is in the map (byte -1 is in none).</summary>
    public static ulong Previous(ReadOnlySpan<ulong> map, int word) => (map[word] << 1) | (word > 0 ? map[word - 1] >> 63 : 0);

    /// <summary>Bit i set when byte i + <paramref name="ahead"/> (1 to 63) is in the map.</summary>
    public static ulong Ahead(ReadOnlySpan<ulong> map, int word, int ahead) =>
        (map[word] >> ahead) | (word + 1 < map.Length ? map[word + 1] << (64 - ahead) : 0);

    public static int PopCount(ReadOnlySpan<ulong> map)
    {
        var count = 0;
        foreach (var word in map)
        {
            count += BitOperations.PopCount(word);
        }

        return count;
    }

    private static void Fill(ReadOnlySpan<byte> line, Span<ulong> words, int count)
    {
        var block = 0;
        for (; (block + 1) * 64 <= line.Length; block++)
        {
            Classify(line.Slice(block * 64, 64), words, block, count);
        }

        if (block < count)
        {
            // The tail padded with zeros, which are in no map.
            Span<byte> tail = stackalloc byte[64];
            tail.Clear();
            line[(block * 64)..].CopyTo(tail);
            Classify(tail, words, block, count);
        }
    }

    private static void Classify(ReadOnlySpan<byte> block, Span<ulong> words, int word, int count)
    {
        ulong digits = 0, dots = 0, colons = 0, ats = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (var half = 0; half < 2; half++)
            {
                var bytes = Vector256.Create(block[(half * 32)..]);
                var shift = half * 32;
                digits |= (ulong)Vector256.LessThan(bytes - Vector256.Create((byte)'0'), Vector256.Create((byte)10)).ExtractMostSignificantBits() << shift;
                dots |= (ulong)Vector256.Equals(bytes, Vector256.Create((byte)'.')).ExtractMostSignificantBits() << shift;
                colons |= (ulong)Vector256.Equals(bytes, Vector256.Create((byte)':')).ExtractMostSignificantBits() << shift;
                ats |= (ulong)Vector256.Equals(bytes, Vector256.Create((byte)'@')).ExtractMostSignificantBits() << shift;
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (var quarter = 0; quarter < 4; quarter++)
            {
                var bytes = Vector128.Create(block[(quarter * 16)..]);
                var shift = quarter * 16;
                digits |= (ulong)Vector128.LessThan(bytes - Vector128.Create((byte)'0'), Vector128.Create((byte)10)).ExtractMostSignificantBits() << shift;
                dots |= (ulong)Vector128.Equals(bytes, Vector128.Create((byte)'.')).ExtractMostSignificantBits() << shift;
                colons |= (ulong)Vector128.Equals(bytes, Vector128.Create((byte)':')).ExtractMostSignificantBits() << shift;
                ats |= (ulong)Vector128.Equals(bytes, Vector128.Create((byte)'@')).ExtractMostSignificantBits() << shift;
            }
        }
        else
        {
            for (var i = 0; i < 64; i++)
            {
                var bit = 1UL << i;
                var b = block[i];
                digits |= LineBytes.IsDigit(b) ? bit : 0;
                dots |= b == '.' ? bit : 0;
                colons |= b == ':' ? bit : 0;
                ats |= b == '@' ? bit : 0;
            }
        }

        words[word] = digits;
        words[count + word] = dots;
        words[(2 * count) + word] = colons;
        words[(3 * count) + word] = ats;
    }
}
