using System.Text.RegularExpressions;

namespace LokiShipper.Processing.Multiline;

/// <summary>How the lines of one record are joined into entries.</summary>
/// <param name="Mode">Which lines continue the entry before them (<c>MULTILINE</c>).</param>
/// <param name="StartPattern">For <see cref="MultilineMode.Custom"/>: a line it matches starts an entry.</param>
/// <param name="MaxLines">Most lines in one entry (<c>MULTILINE_MAX_LINES</c>): the line that would be one more starts an entry.</param>
/// <param name="MaxBytes">Most UTF-8 bytes in one entry, separators included; 0 = no limit (<c>MAX_LINE_SIZE</c>, so a joined entry is never cut).</param>
internal sealed record MultilineOptions(MultilineMode Mode, Regex? StartPattern, int MaxLines, int MaxBytes)
{
    /// <summary>Lines in one entry unless <c>MULTILINE_MAX_LINES</c> says otherwise: room for a deep Java trace with its causes.</summary>
    public const int DefaultMaxLines = 500;

    /// <summary>Nothing is joined.</summary>
    public static MultilineOptions Off { get; } = new(MultilineMode.Off, null, DefaultMaxLines, 0);
}
