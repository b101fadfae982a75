using System.Buffers;
using System.Text;

namespace LokiShipper.Sources.S3.Reading;

/// <summary>
/// Copies UTF-8 with each ill-formed sequence replaced by U+FFFD, as <see cref="Encoding.UTF8"/> decodes it (one U+FFFD
/// per maximal ill-formed subsequence, the Unicode recommendation both follow), without going through UTF-16.
/// </summary>
/// <remarks>Only for lines <see cref="System.Text.Unicode.Utf8.IsValid(ReadOnlySpan{byte})"/> rejected: valid lines are shipped as they are.</remarks>
internal static class Utf8Repair
{
    private static ReadOnlySpan<byte> Replacement => [0xEF, 0xBF, 0xBD];

    /// <summary>
    /// Writes <paramref name="source"/> to <paramref name="destination"/>, repaired, and stops before the first character
    /// that does not fit, so the output always ends on a character boundary.
    /// </summary>
    /// <returns>Bytes written; <paramref name="consumed"/> says how much of <paramref name="source"/> they stand for.</returns>
    public static int Copy(ReadOnlySpan<byte> source, Span<byte> destination, out int consumed)
    {
        var read = 0;
        var written = 0;
        while (read < source.Length)
        {
            var rest = source[read..];

            // Log lines are mostly ASCII: copy its runs at once, decode the rest one character at a time.
            var ascii = rest.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (ascii != 0)
            {
                var run = ascii < 0 ? rest.Length : ascii;
                var fits = Math.Min(run, destination.Length - written);
                rest[..fits].CopyTo(destination[written..]);
                read += fits;
                written += fits;
                if (fits < run)
                {
                    break;
                }

                continue;
            }

            // InvalidData and, at the end of the line, NeedMoreData (a sequence cut short) both consume the maximal
            // ill-formed subsequence, which Encoding.UTF8 also turns into one U+FFFD.
            var status = Rune.DecodeFromUtf8(rest, out _, out var length);
            var output = status == OperationStatus.Done ? rest[..length] : Replacement;
            if (output.Length > destination.Length - written)
            {
                break;
            }

            output.CopyTo(destination[written..]);
            read += Math.Max(length, 1);
            written += output.Length;
        }

        consumed = read;
        return written;
    }
}
