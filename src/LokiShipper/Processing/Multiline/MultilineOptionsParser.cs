using System.Globalization;

namespace LokiShipper.Processing.Multiline;

/// <summary>
/// Reads <see cref="MultilineOptions"/> from <c>MULTILINE</c> and <c>MULTILINE_MAX_LINES</c>. Problems name the
/// setting and the accepted form.
/// </summary>
internal static class MultilineOptionsParser
{
    public const string Multiline = "MULTILINE";
    public const string MaxLinesSetting = "MULTILINE_MAX_LINES";
    public const int MinMaxLines = 2;
    public const int MaxMaxLines = 10_000;

    /// <param name="multiline"><c>MULTILINE</c>: <c>off</c>, <c>java</c>, <c>python</c>, <c>dotnet</c>, <c>go</c>, <c>auto</c> (any case), or else a regular expression that matches the line starting an entry; null or blank = off.</param>
    /// <param name="maxLines"><c>MULTILINE_MAX_LINES</c>, or null for <see cref="MultilineOptions.DefaultMaxLines"/>.</param>
    /// <param name="maxLineSize"><c>MAX_LINE_SIZE</c> as parsed (0 = no limit): no joined entry grows beyond it.</param>
    /// <param name="problems">Where problems are added.</param>
    public static MultilineOptions Parse(string? multiline, string? maxLines, int maxLineSize, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLineSize);

        var lines = MultilineOptions.DefaultMaxLines;
        if (!string.IsNullOrWhiteSpace(maxLines)
            && (!int.TryParse(maxLines.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out lines) || lines is < MinMaxLines or > MaxMaxLines))
        {
            problems.Add($"{MaxLinesSetting} must be a whole number from {MinMaxLines} to {MaxMaxLines.ToString(CultureInfo.InvariantCulture)} (the most lines joined into one entry; default {MultilineOptions.DefaultMaxLines})");
            lines = MultilineOptions.DefaultMaxLines;
        }

        if (string.IsNullOrWhiteSpace(multiline))
        {
            return MultilineOptions.Off;
        }

        MultilineMode? mode = multiline.Trim().ToLowerInvariant() switch
        {
            "off" => MultilineMode.Off,
            "java" => MultilineMode.Java,
            "python" => MultilineMode.Python,
            "dotnet" => MultilineMode.DotNet,
            "go" => MultilineMode.Go,
            "auto" => MultilineMode.Auto,
            _ => null,
        };
        if (mode is { } named)
        {
            return named == MultilineMode.Off ? MultilineOptions.Off : new MultilineOptions(named, null, lines, maxLineSize);
        }

        // Anything else is the pattern, as given: its spaces may be part of it.
        var regexProblems = new List<string>();
        if (SafeRegex.Compile(multiline, Multiline, regexProblems) is { } pattern)
        {
            return new MultilineOptions(MultilineMode.Custom, pattern, lines, maxLineSize);
        }

        foreach (var problem in regexProblems)
        {
            problems.Add($"{problem}; {Multiline} must be off, java, python, dotnet, go, auto, or a regular expression that matches the first line of an entry, e.g. ^\\d{{4}}-\\d{{2}}-\\d{{2}}");
        }

        return MultilineOptions.Off;
    }
}
