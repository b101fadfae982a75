using System.Buffers;
using System.Text;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// Finds where the credential rules (bearer, basic_auth, aws_secret_key, jwt, aws_access_key) may match with one
/// search for all their words ("bearer", "basic", "://", "secret", "eyJ", "AKIA", ...) in any case, and hands each
/// place to its rule, in line order. The search is SearchValues' vectorised multi-string search; it reads UTF-16, so
/// the line is widened byte for byte (Latin-1), which keeps every char at its byte's index and costs a fraction of
/// a UTF-8 decode.
/// </summary>
internal sealed class CredentialFinder
{
    /// <summary>Longest line widened on the stack; a longer one rents its buffer.</summary>
    private const int StackChars = 1024;

    private readonly RedactionRule _rules;
    private readonly SearchValues<string> _needles;

    private CredentialFinder(RedactionRule rules, SearchValues<string> needles)
    {
        _rules = rules;
        _needles = needles;
    }

    public const RedactionRule Rules = RedactionRule.Bearer | RedactionRule.BasicAuth | RedactionRule.AwsSecretKey | RedactionRule.Jwt | RedactionRule.AwsAccessKey;

    /// <summary>A finder for the credential rules among <paramref name="rules"/>, or null when there are none.</summary>
    public static CredentialFinder? Create(RedactionRule rules)
    {
        rules &= Rules;
        var needles = new List<string>();
        if ((rules & RedactionRule.Bearer) != 0)
        {
            needles.Add(BearerScanner.Needle);
        }

        if ((rules & RedactionRule.BasicAuth) != 0)
        {
            needles.Add(BasicAuthScanner.UrlNeedle);
            needles.Add(BasicAuthScanner.HeaderNeedle);
        }

        if ((rules & RedactionRule.AwsSecretKey) != 0)
        {
            needles.Add(AwsSecretKeyScanner.Needle);
        }

        if ((rules & RedactionRule.Jwt) != 0)
        {
            needles.Add(JwtScanner.Needle);
        }

        if ((rules & RedactionRule.AwsAccessKey) != 0)
        {
            needles.AddRange(AwsAccessKeyScanner.Needles);
        }

        return needles.Count == 0 ? null : new CredentialFinder(rules, SearchValues.Create([.. needles], StringComparison.OrdinalIgnoreCase));
    }

    public void Scan(ReadOnlySpan<byte> line, ref HitList hits)
    {
        var rented = line.Length > StackChars ? ArrayPool<char>.Shared.Rent(line.Length) : null;
        try
        {
            Span<char> chars = rented ?? stackalloc char[line.Length];
            chars = chars[..Encoding.Latin1.GetChars(line, chars)];
            var from = 0;
            while (from < line.Length)
            {
                var found = chars[from..].IndexOfAny(_needles);
                if (found < 0)
                {
                    return;
                }

                from = Dispatch(line, from + found, ref hits);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Hands the place to the rule whose word stands there; returns where to search on from.</summary>
    private int Dispatch(ReadOnlySpan<byte> line, int position, ref HitList hits)
    {
        var rest = line[position..];
        if (Has(RedactionRule.Bearer) && StartsWithFolded(rest, BearerScanner.Needle))
        {
            return BearerScanner.At(line, position, ref hits);
        }

        if (Has(RedactionRule.BasicAuth) && StartsWithFolded(rest, BasicAuthScanner.UrlNeedle))
        {
            return BasicAuthScanner.AtUrl(line, position, ref hits);
        }

        if (Has(RedactionRule.BasicAuth) && StartsWithFolded(rest, BasicAuthScanner.HeaderNeedle))
        {
            return BasicAuthScanner.AtHeader(line, position, ref hits);
        }

        if (Has(RedactionRule.AwsSecretKey) && StartsWithFolded(rest, AwsSecretKeyScanner.Needle))
        {
            return AwsSecretKeyScanner.At(line, position, ref hits);
        }

        if (Has(RedactionRule.Jwt) && StartsWithFolded(rest, JwtScanner.Needle))
        {
            return JwtScanner.At(line, position, ref hits);
        }

        return Has(RedactionRule.AwsAccessKey) ? AwsAccessKeyScanner.At(line, position, ref hits) : position + 1;
    }

    private bool Has(RedactionRule rule) => (_rules & rule) != 0;

    /// <summary>True when <paramref name="text"/> starts with the ASCII <paramref name="word"/> in any case.</summary>
    private static bool StartsWithFolded(ReadOnlySpan<byte> text, string word)
    {
        if (text.Length < word.Length)
        {
            return false;
        }

        for (var i = 0; i < word.Length; i++)
        {
            if (Fold(text[i]) != Fold((byte)word[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static byte Fold(byte b) => LineBytes.IsUpper(b) ? (byte)(b | 0x20) : b;
}
