using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>REDACT_PATTERNS</c>: the users' regular expressions, each with its replacement (.NET substitutions:
/// <c>$1</c>, <c>${name}</c>, <c>$$</c> for a dollar sign), applied in order. Regexes read UTF-16, so a line is
/// transcoded into a pooled buffer and searched there (compiled with NonBacktracking by <see cref="SafeRegex"/>: time
/// linear in the line whatever the pattern); only a line that some pattern matches becomes a string, is replaced and
/// encoded back. A pattern that starts with plain text (<see cref="PatternLiteral"/>) is first looked for as that
/// text in the UTF-8 bytes, so a line without it costs one vectorised search.
/// </summary>
internal sealed class PatternReplacer
{
    private readonly (Regex Regex, string Replacement)[] _patterns;

    /// <summary>For each pattern, the UTF-8 text its matches start with, or null.</summary>
    private readonly byte[]?[] _literals;

    public PatternReplacer(IReadOnlyList<(Regex Regex, string Replacement)> patterns)
    {
        _patterns = [.. patterns];
        _literals = [.. patterns.Select(p => PatternLiteral.RequiredPrefix(p.Regex.ToString()) is { } literal ? Encoding.UTF8.GetBytes(literal) : null)];
    }

    /// <summary>The line with every pattern replaced, or null when none matches or the replacements change nothing.</summary>
    public byte[]? Replace(ReadOnlySpan<byte> line)
    {
        if (!MayMatch(line))
        {
            return null;
        }

        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(line.Length));
        try
        {
            var text = chars.AsSpan(0, Encoding.UTF8.GetChars(line, chars));
            if (!AnyMatches(line, text))
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

    private bool MayMatch(ReadOnlySpan<byte> line)
    {
        for (var i = 0; i < _patterns.Length; i++)
        {
            if (_literals[i] is not { } literal || line.IndexOf(literal) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private bool AnyMatches(ReadOnlySpan<byte> line, ReadOnlySpan<char> text)
    {
        for (var i = 0; i < _patterns.Length; i++)
        {
            if ((_literals[i] is not { } literal || line.IndexOf(literal) >= 0) && _patterns[i].Regex.IsMatch(text))
            {
                return true;
            }
        }

        return false;
    }
}
