namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>aws_access_key</c>: an access key id, <c>AKIA</c> (long-term), <c>ASIA</c> (temporary), <c>ABIA</c>, <c>ACCA</c> or
/// <c>A3T</c> and one more character, then 16 upper-case letters or digits: 20 characters standing alone. The other
/// unique ids of IAM (<c>AROA…</c> roles, <c>AIDA…</c> users in CloudTrail's <c>principalId</c>) name, not authenticate,
/// and are left alone.
/// </summary>
internal static class AwsAccessKeyScanner
{
    private const int Length = 20;

    public static void Scan(ReadOnlySpan<byte> line, ref HitList hits)
    {
        var from = 0;
        while (from <= line.Length - Length)
        {
            var found = line[from..].IndexOf((byte)'A');
            if (found < 0)
            {
                return;
            }

            var start = from + found;
            from = start + 1;
            if (start + Length <= line.Length && IsKeyId(line.Slice(start, Length)) && LineBytes.StartsWord(line, start)
                && LineBytes.EndsWord(line, start + Length) && hits.TryAdd(start, start + Length, RedactionRule.AwsAccessKey))
            {
                from = start + Length;
            }
        }
    }

    private static bool IsKeyId(ReadOnlySpan<byte> candidate)
    {
        if (!candidate.StartsWith("AKIA"u8) && !candidate.StartsWith("ASIA"u8) && !candidate.StartsWith("ABIA"u8)
            && !candidate.StartsWith("ACCA"u8) && !candidate.StartsWith("A3T"u8))
        {
            return false;
        }

        foreach (var b in candidate[3..])
        {
            if (!LineBytes.IsUpper(b) && !LineBytes.IsDigit(b))
            {
                return false;
            }
        }

        return true;
    }
}
