using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>REDACT_PATTERNS</c>: the users' regular expressions, each with its replacement (.NET substitutions:
/// <c>$1</c>, <c>${name}</c>, <c>$$</c> for a dollar sign), applied in order. Regexes read UTF-16, so a line is
/// transcoded into a pooled buffer and searched there (compiled with NonBacktracking by <see cref="SafeRegex"/>: time
/// linear in the line whatever the pattern); only a line that some pattern matches becomes a string, is replaced and
/// encoded back.
/// </summary>
internal sealed class PatternReplacer
{
    private readonly (Regex Regex, string Replacement)[] _patterns;

    public PatternReplacer(IReadOnlyList<(Regex Regex, string Replacement)> patterns)
    {
        _patterns = [.. patterns];
    }

    /// <summary>The line with every pattern replaced, or null when none matches or the replacements change nothing.</summary>
    public byte[]? Replace(ReadOnlySpan<byte> line)
    {
        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(line.Length));
        try
        {
            var text = chars.AsSpan(0, Encoding.UTF8.GetChars(line, chars));
            if (!AnyMatches(text))
            {
                return null;
            }

            var replaced = new string(text);
            foreach (var (regex, replacement) in _patterns)
            {
                replaced = regex.Replace(replaced, replacement);
            }

            return replaced.AsSpan().SequenceEqual(text) ? null : Encoding.UTF8.GetBytes(replaced);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private bool AnyMatches(ReadOnlySpan<char> text)
    {
        foreach (var (regex, _) in _patterns)
        {
            if (regex.IsMatch(text))
            {
                return true;
            }
        }

        return false;
    }
}
