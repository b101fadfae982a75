namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>jwt</c>: a JSON Web Token in compact form, <c>eyJ….eyJ….signature</c>: a base64url header and payload that both
/// start as a JSON object does (<c>eyJ</c> is <c>{"</c>), and a signature that may be empty (an unsigned token). The
/// whole token is replaced, standing alone (no base64url character either side).
/// </summary>
internal static class JwtScanner
{
    public static void Scan(ReadOnlySpan<byte> line, ref HitList hits)
    {
        var from = 0;
        while (from < line.Length)
        {
            var found = line[from..].IndexOf("eyJ"u8);
            if (found < 0)
            {
                return;
            }

            var start = from + found;
            from = start + 3;

            // Standing alone: nothing base64url before, except the letter of a backslash escape ("\neyJ…").
            var standsAlone = start == 0 || !IsBase64Url(line[start - 1]) || (LineBytes.IsWord(line[start - 1]) && LineBytes.StartsWord(line, start));
            if (!standsAlone)
            {
                continue;
            }

            var payload = PartEnd(line, start) + 1;
            if (payload <= start + 3 || payload >= line.Length || line[payload - 1] != '.' || !line[payload..].StartsWith("eyJ"u8))
            {
                continue;
            }

            var signature = PartEnd(line, payload) + 1;
            if (signature <= payload + 3 || signature > line.Length || line[signature - 1] != '.')
            {
                continue;
            }

            var end = PartEnd(line, signature);
            if (hits.TryAdd(start, end, RedactionRule.Jwt))
            {
                from = end;
            }
        }
    }

    private static bool IsBase64Url(byte b) => LineBytes.IsWord(b) || b == '-';

    /// <summary>The index after the base64url run starting at <paramref name="from"/>.</summary>
    private static int PartEnd(ReadOnlySpan<byte> line, int from)
    {
        while (from < line.Length && IsBase64Url(line[from]))
        {
            from++;
        }

        return from;
    }
}
