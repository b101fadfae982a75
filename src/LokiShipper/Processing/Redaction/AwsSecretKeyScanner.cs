namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>aws_secret_key</c>: a value of exactly 40 base64 characters (<c>A–Z a–z 0–9 / + =</c>) given to a name that
/// contains "secret" in any case: <c>aws_secret_access_key=…</c>, <c>"SecretAccessKey": "…"</c>,
/// <c>AWS_SECRET_ACCESS_KEY: …</c>, <c>--aws-secret-access-key …</c>. Only the value is replaced. A secret key alone, with no such name before it, is 40 characters like any SHA-1 or base64 digest and is
/// not recognised.
/// </summary>
internal static class AwsSecretKeyScanner
{
    /// <summary>What <see cref="CredentialFinder"/> looks for, in any case.</summary>
    public const string Needle = "secret";

    private const int Length = 40;

    /// <summary>Takes the value given to the name containing "secret" at <paramref name="position"/>; returns where to look on from.</summary>
    public static int At(ReadOnlySpan<byte> line, int position, ref HitList hits)
    {
        var start = ValueStart(line, position + Needle.Length);
        if (start >= 0 && start + Length <= line.Length && IsValue(line.Slice(start, Length))
            && (start + Length == line.Length || !IsValueByte(line[start + Length]))
            && hits.TryAdd(start, start + Length, RedactionRule.AwsSecretKey))
        {
            return start + Length;
        }

        return position + 1;
    }

    private static bool IsNameByte(byte b) => LineBytes.IsWord(b) || b is (byte)'-' or (byte)'.';

    private static bool IsValueByte(byte b) => LineBytes.IsLetterOrDigit(b) || b is (byte)'/' or (byte)'+' or (byte)'=';

    /// <summary>
    /// Where the value after the rest of the name begins: past a closing quote (escaped or not), then ':' or '=' (or
    /// '=>') between optional blanks, or blanks alone, then an opening quote. -1 when what follows the name is no value.
    /// </summary>
    private static int ValueStart(ReadOnlySpan<byte> line, int p)
    {
        while (p < line.Length && IsNameByte(line[p]))
        {
            p++;
        }

        p = SkipQuote(line, p);
        var blanks = SkipBlanks(line, p);
        var separated = blanks > p;
        p = blanks;
        if (p < line.Length && line[p] is (byte)':' or (byte)'=')
        {
            p++;
            if (p < line.Length && line[p] == '>')
            {
                p++;
            }

            separated = true;
            p = SkipBlanks(line, p);
        }

        return separated ? SkipQuote(line, p) : -1;
    }

    private static int SkipBlanks(ReadOnlySpan<byte> line, int p)
    {
        while (p < line.Length && line[p] is (byte)' ' or (byte)'\t')
        {
            p++;
        }

        return p;
    }

    private static int SkipQuote(ReadOnlySpan<byte> line, int p)
    {
        var q = p;
        while (q < line.Length && line[q] == '\\')
        {
            q++;
        }

        return q < line.Length && line[q] is (byte)'"' or (byte)'\'' ? q + 1 : p;
    }

    private static bool IsValue(ReadOnlySpan<byte> candidate)
    {
        foreach (var b in candidate)
        {
            if (!IsValueByte(b))
            {
                return false;
            }
        }

        return true;
    }
}
