namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>jwt</c>: a JSON Web Token in compact form, <c>eyJ….eyJ….signature</c>: a base64url header and payload that both
/// start as a JSON object does (<c>eyJ</c> is <c>{"</c>), and a signature that may be empty (an unsigned token). The
/// whole token is replaced, standing alone (no base64url character either side).
/// </summary>
internal static class JwtScanner
{
    /// <summary>What <see cref="CredentialFinder"/> looks for (in any case; the case is checked here).</summary>
    public const string Needle = "eyJ";

    /// <summary>Takes the token starting at <paramref name="start"/>, if it is one; returns where to look on from.</summary>
    public static int At(ReadOnlySpan<byte> line, int start, ref HitList hits)
    {
        // Standing alone: nothing base64url before, except the letter of a backslash escape ("\neyJ…").
        var standsAlone = start == 0 || !IsBase64Url(line[start - 1]) || (LineBytes.IsWord(line[start - 1]) && LineBytes.StartsWord(line, start));
        if (!standsAlone || !line[start..].StartsWith("eyJ"u8))
        {
            return start + 1;
        }

        var payload = PartEnd(line, start) + 1;
        if (payload <= start + 3 || payload >= line.Length || line[payload - 1] != '.' || !line[payload..].StartsWith("eyJ"u8))
        {
            return start + 1;
        }

        var signature = PartEnd(line, payload) + 1;
        if (signature <= payload + 3 || signature > line.Length || line[signature - 1] != '.')
        {
            return start + 1;
        }

        var end = PartEnd(line, signature);
        return hits.TryAdd(start, end, RedactionRule.Jwt) ? end : start + 1;
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
