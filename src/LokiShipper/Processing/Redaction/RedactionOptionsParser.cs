namespace LokiShipper.Processing.Redaction;

/// <summary>
/// Reads <c>REDACT</c>, <c>REDACT_PATTERNS</c> and <c>MASK_JSON_KEYS</c>. Every problem is collected, naming its
/// variable (and the entry of <c>REDACT_PATTERNS</c>) and the form that is accepted.
/// </summary>
internal static class RedactionOptionsParser
{
    public const string Redact = "REDACT";
    public const string RedactPatterns = "REDACT_PATTERNS";
    public const string MaskJsonKeys = "MASK_JSON_KEYS";

    /// <summary>Between a pattern and its replacement. A regex that must match "=>" writes it <c>=\&gt;</c>.</summary>
    public const string Arrow = "=>";

    /// <summary>Between entries on one line, for where a newline is awkward to write (a CLI flag, a console field).</summary>
    public const string EntrySeparator = ";;";

    /// <summary>How a problem names entry <paramref name="number"/> (from 1, counting entries that are not blank).</summary>
    public static string PatternSetting(int number) => $"{RedactPatterns} entry {number}";

    /// <summary>The options the three values describe (null or blank = unset); problems are added to <paramref name="problems"/>.</summary>
    public static RedactionOptions Parse(string? redact, string? patterns, string? maskJsonKeys, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var options = new RedactionOptions(ParseRules(redact, problems), ParsePatterns(patterns, problems), ParseKeys(maskJsonKeys, problems));
        return options.IsOff ? RedactionOptions.None : options;
    }

    private static List<string> ParseRules(string? value, List<string> problems)
    {
        var selected = RedactionRule.None;
        foreach (var item in Items(value, ","))
        {
            var rule = RedactionRules.FromName(item.ToLowerInvariant());
            if (rule == RedactionRule.None)
            {
                problems.Add($"{Redact} has an unknown rule '{item}': give a comma-separated list of {string.Join(", ", RedactionRules.Names)}, or {RedactionRules.AllName}");
            }

            selected |= rule;
        }

        return [.. RedactionRules.Names.Where(name => (selected & RedactionRules.FromName(name)) != 0)];
    }

    private static List<(string Pattern, string Replacement)> ParsePatterns(string? value, List<string> problems)
    {
        var patterns = new List<(string, string)>();
        var entries = Items(value?.Replace("\r\n", "\n", StringComparison.Ordinal), "\n", EntrySeparator);
        for (var i = 0; i < entries.Count; i++)
        {
            var setting = PatternSetting(i + 1);
            var entry = entries[i];
            var arrow = entry.IndexOf(Arrow, StringComparison.Ordinal);
            if (arrow < 0)
            {
                problems.Add($"{setting} has no '{Arrow}' ('{entry}'): write each entry as regex{Arrow}replacement, entries on separate lines or separated by '{EntrySeparator}'");
                continue;
            }

            if (arrow == 0)
            {
                problems.Add($"{setting} has nothing before '{Arrow}' ('{entry}'): write each entry as regex{Arrow}replacement");
                continue;
            }

            var (pattern, replacement) = (entry[..arrow], entry[(arrow + Arrow.Length)..]);
            var regex = SafeRegex.Compile(pattern, setting, problems);
            if (regex is null)
            {
                continue;
            }

            if (regex.IsMatch(string.Empty))
            {
                problems.Add($"{setting} matches empty text ('{pattern}'): its replacement would go between every two characters; make it match at least one character");
                continue;
            }

            patterns.Add((pattern, replacement));
        }

        return patterns;
    }

    private static List<string> ParseKeys(string? value, List<string> problems)
    {
        var keys = new List<string>();
        foreach (var item in Items(value, ","))
        {
            if (MaskedKey.Parse(item) is null)
            {
                problems.Add($"{MaskJsonKeys} has an invalid key '{item}': give comma-separated JSON property names, each may start and/or end with '*' for any text, e.g. password,*_token,secret*");
                continue;
            }

            keys.Add(item);
        }

        return keys;
    }

    /// <summary>The entries between <paramref name="separators"/>, trimmed, blank ones dropped.</summary>
    private static List<string> Items(string? value, params string[] separators) =>
        value is null ? [] : [.. value.Split(separators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
}
