using System.Numerics;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>ipv4</c>: four decimal octets 0–255 joined by dots, standing alone: not preceded by a letter, digit, '_' or '.',
/// not followed by one or by a dot and a digit. So <c>1.2.3.4.5</c>, <c>v1.2.3.4</c> and <c>0.2477829</c> are not
/// addresses; a four-part version such as <c>10.0.0.1</c> is, and cannot be told apart. An address ending in
/// <c>.0.0.0</c> names a network or nothing (<c>0.0.0.0</c>), never a host, and is left: so is
/// <c>Chrome/131.0.0.0</c>, the version every Chromium browser now sends in its User-Agent. Looked for only around
/// dots between digits, from the line's map.
/// </summary>
internal static class Ipv4Scanner
{
    public static void Scan(ReadOnlySpan<byte> line, in LineMap map, ref HitList hits)
    {
        // Candidates: dots between two digits. An address has three.
        var count = 0;
        for (var word = 0; word < map.Dots.Length && count < 3; word++)
        {
            count += BitOperations.PopCount(Candidates(map, word));
        }

        if (count < 3)
        {
            return;
        }

        var from = 0;
        for (var word = 0; word < map.Dots.Length; word++)
        {
            for (var bits = Candidates(map, word); bits != 0; bits &= bits - 1)
            {
                var dot = (word * 64) + BitOperations.TrailingZeroCount(bits);
                if (dot < from)
                {
                    continue;
                }

                // The first dot of an address has one to three digits before it, and a boundary before those.
                var start = dot;
                while (start > 0 && dot - start < 4 && LineBytes.IsDigit(line[start - 1]))
                {
                    start--;
                }

                if (dot - start > 3 || (start > 0 && line[start - 1] == '.') || !LineBytes.StartsWord(line, start))
                {
                    continue;
                }

                var end = AddressEnd(line, start);
                if (end > 0 && hits.TryAdd(start, end, RedactionRule.Ipv4))
                {
                    from = end;
                }
            }
        }
    }

    private static ulong Candidates(in LineMap map, int word) =>
        map.Dots[word] & LineMap.Previous(map.Digits, word) & LineMap.Ahead(map.Digits, word, 1);

    /// <summary>The end of four dotted octets starting at <paramref name="start"/>, or -1.</summary>
    private static int AddressEnd(ReadOnlySpan<byte> line, int start)
    {
        var p = start;
        var hostPart = 0;
        for (var octet = 0; octet < 4; octet++)
        {
            if (octet > 0)
            {
                if (p >= line.Length || line[p] != '.')
                {
                    return -1;
                }

                p++;
            }

            var value = 0;
            var digits = 0;
            while (p < line.Length && LineBytes.IsDigit(line[p]))
            {
                if (++digits > 3)
                {
                    return -1;
                }

                value = (value * 10) + (line[p] - '0');
                p++;
            }

            if (digits == 0 || value > 255)
            {
                return -1;
            }

            hostPart += octet > 0 ? value : 0;
        }

        if (hostPart == 0)
        {
            return -1;
        }

        if (!LineBytes.EndsWord(line, p) || (p + 1 < line.Length && line[p] == '.' && LineBytes.IsDigit(line[p + 1])))
        {
            return -1;
        }

        return p;
    }
}
