namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>aws_access_key</c>: an access key id, <c>AKIA</c> (long-term), <c>ASIA</c> (temporary), <c>ABIA</c>, <c>ACCA</c> or
/// <c>A3T</c> and one more character, then 16 upper-case letters or digits: 20 characters standing alone. The other
/// unique ids of IAM (<c>AROA…</c> roles, <c>AIDA…</c> users in CloudTrail's <c>principalId</c>) name, not authenticate,
/// and are left alone.
/// </summary>
internal static class AwsAccessKeyScanner
{
    /// <summary>What <see cref="CredentialFinder"/> looks for (in any case; the case is checked here).</summary>
    public static readonly string[] Needles = ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"];

    private const int Length = 20;

    /// <summary>Takes the key id starting at <paramref name="start"/>, if it is one; returns where to look on from.</summary>
    public static int At(ReadOnlySpan<byte> line, int start, ref HitList hits)
    {
        if (start + Length <= line.Length && IsKeyId(line.Slice(start, Length)) && LineBytes.StartsWord(line, start)
            && LineBytes.EndsWord(line, start + Length) && hits.TryAdd(start, start + Length, RedactionRule.AwsAccessKey))
        {
            return start + Length;
        }

        return start + 1;
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
