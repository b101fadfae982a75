using System.Text.RegularExpressions;

namespace LokiShipper.Processing;

/// <summary>
/// Compiles the regular expressions users give (<c>INCLUDE_PATTERN</c>, <c>EXCLUDE_PATTERN</c>, <c>REDACT_PATTERNS</c>,
/// <c>MULTILINE</c>) with <see cref="RegexOptions.NonBacktracking"/>: matching takes time linear in the line whatever
/// the pattern, so no line can stall an invocation (catastrophic backtracking), and nothing is left to a timeout that
/// would have to decide between shipping a line unfiltered or losing it. The price: no backreferences, lookarounds
/// or atomic groups, which a bad value names.
/// </summary>
internal static class SafeRegex
{
    /// <summary>The compiled pattern, or null with a problem naming <paramref name="setting"/> and where the pattern is wrong.</summary>
    public static Regex? Compile(string pattern, string setting, List<string> problems, RegexOptions extra = RegexOptions.None)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(problems);
        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | extra);
        }
        catch (RegexParseException ex)
        {
            problems.Add($"{setting} is not a valid regular expression at position {ex.Offset}: {ex.Error} (in '{pattern}')");
        }
        catch (NotSupportedException ex)
        {
            // NonBacktracking refuses backreferences, lookarounds, atomic groups and conditionals.
            problems.Add($"{setting} uses a construct matching in linear time cannot support (backreferences, lookarounds, atomic groups): {ex.Message} (in '{pattern}')");
        }

        return null;
    }
}
