using System.Numerics;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>email</c>: <c>local@domain.tld</c>. The local part is letters, digits and <c>._%+-</c>; the domain is at least two
/// dot-separated labels of letters, digits and '-', the last all letters (two or more). So <c>user@localhost</c>,
/// <c>image@sha256:…</c> and <c>pkg@1.2.3</c> are not addresses. Looked for only around each '@' of the line's map.
/// </summary>
internal static class EmailScanner
{
    public static void Scan(ReadOnlySpan<byte> line, in LineMap map, ref HitList hits)
    {
        var from = 0;
        for (var word = 0; word < map.Ats.Length; word++)
        {
            for (var bits = map.Ats[word]; bits != 0; bits &= bits - 1)
            {
                var at = (word * 64) + BitOperations.TrailingZeroCount(bits);
                if (at < from)
                {
                    continue;
                }

                var start = LocalPartStart(line, at);
                var end = DomainEnd(line, at + 1);
                if (start < at && end > 0 && hits.TryAdd(start, end, RedactionRule.Email))
                {
                    from = end;
                }
            }
        }
    }

    private static bool IsLocal(byte b) => LineBytes.IsLetterOrDigit(b) || b is (byte)'.' or (byte)'_' or (byte)'%' or (byte)'+' or (byte)'-';

    private static int LocalPartStart(ReadOnlySpan<byte> line, int at)
    {
        var start = at;
        while (start > 0 && IsLocal(line[start - 1]))
        {
            start--;
        }

        // "...\nbob@example.com" in JSON-escaped text: the 'n' belongs to the escape, and so do the four hex digits of \u.
        if (LineBytes.IsEscaped(line, start))
        {
            start += line[start] == 'u' ? 5 : 1;
        }

        while (start < at && line[start] == '.')
        {
            start++;
        }

        return Math.Min(start, at);
    }

    /// <summary>The end of a valid domain starting at <paramref name="from"/>, or -1.</summary>
    private static int DomainEnd(ReadOnlySpan<byte> line, int from)
    {
        var labels = 0;
        var lastLabel = from;
        var end = -1;
        var p = from;
        while (true)
        {
            var labelStart = p;
            while (p < line.Length && (LineBytes.IsLetterOrDigit(line[p]) || line[p] == '-'))
            {
                p++;
            }

            if (p == labelStart)
            {
                break;
            }

            labels++;
            lastLabel = labelStart;
            end = p;
            if (p + 1 < line.Length && line[p] == '.' && LineBytes.IsLetterOrDigit(line[p + 1]))
            {
                p++;
                continue;
            }

            break;
        }

        if (labels < 2 || end - lastLabel < 2 || line[from] == '-')
        {
            return -1;
        }

        for (var i = lastLabel; i < end; i++)
        {
            if (!LineBytes.IsLetter(line[i]))
            {
                return -1;
            }
        }

        return end;
    }
}
