using LokiShipper.Pipeline;

namespace LokiShipper.Processing.Multiline;

/// <summary>
/// Tests on the bytes of a UTF-8 line that the trace rules share. They look at the first bytes (and the last) and
/// decode nothing: a record with nothing to join costs a few byte comparisons a line.
/// </summary>
internal static class LineShape
{
    /// <summary>How far a blank line looks for the line it leads to (Python and Go print one blank line there).</summary>
    private const int BlankLookahead = 3;

    /// <summary>A space or a tab: what indentation is made of.</summary>
    public static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t';

    /// <summary>Whether the line holds nothing but spaces, tabs and line breaks (an empty line too).</summary>
    public static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    /// <summary>The line without its leading spaces and tabs.</summary>
    public static ReadOnlySpan<byte> TrimStart(ReadOnlySpan<byte> line)
    {
        var start = line.IndexOfAnyExcept(" \t"u8);
        return start < 0 ? [] : line[start..];
    }

    /// <summary>The line without trailing spaces, tabs and line break.</summary>
    public static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> line) => line[..(line.LastIndexOfAnyExcept(" \t\r\n"u8) + 1)];

    /// <summary>
    /// Bytes of the line break the line ends with (2 for CR LF, 1 for LF, else 0). Some runtimes end every event with
    /// one: in a joined entry the separator takes its place, so the parts are not separated by blank lines.
    /// </summary>
    public static int BreakLength(ReadOnlySpan<byte> line) =>
        line.Length == 0 || line[^1] != (byte)'\n' ? 0 : line.Length > 1 && line[^2] == (byte)'\r' ? 2 : 1;

    /// <summary>A byte that can start a Java, .NET or Python identifier (ASCII: names outside it do not matter here).</summary>
    public static bool IsNameStart(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or (byte)'$';

    /// <summary>
    /// Length of the dotted name the text starts with: a name start, then letters, digits, <c>_</c>, <c>$</c> and dots
    /// (<c>java.lang.IllegalStateException</c>, <c>requests.exceptions.ConnectionError</c>); 0 when it starts with
    /// anything else.
    /// </summary>
    public static int DottedNameLength(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || !IsNameStart(text[0]))
        {
            return 0;
        }

        var length = 1;
        while (length < text.Length && (IsNameStart(text[length]) || text[length] is >= (byte)'0' and <= (byte)'9' or (byte)'.'))
        {
            length++;
        }

        return length;
    }

    /// <summary>
    /// Whether the text after an exception's name is what <c>toString</c> (Java, .NET) or <c>traceback</c> (Python)
    /// put there: nothing, or <c>: </c> and the message. A logger's <c>WARNING:root:…</c> has no space after its colon.
    /// </summary>
    public static bool IsExceptionMessage(ReadOnlySpan<byte> afterName)
    {
        afterName = TrimEnd(afterName);
        return afterName.IsEmpty || (afterName[0] == (byte)':' && (afterName.Length == 1 || afterName[1] == (byte)' '));
    }

    /// <summary>
    /// An indented <c>at</c> frame of a Java or .NET stack trace (the same shape in both): whitespace, <c>at </c>, then
    /// a dotted method name up to its <c>(</c>: <c>\tat com.example.Orders.save(Orders.java:41)</c>,
    /// <c>   at Orders.Service.Place(Order order) in /src/Service.cs:line 18</c>. The dot keeps indented prose
    /// (<c>  at the moment…</c>) out.
    /// </summary>
    public static bool IsAtFrame(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || !IsSpace(line[0]))
        {
            return false;
        }

        var rest = TrimStart(line);
        if (!rest.StartsWith("at "u8) || rest.Length < 4 || !(IsNameStart(rest[3]) || rest[3] == (byte)'<'))
        {
            return false;
        }

        rest = rest[3..];
        var end = rest.IndexOfAny(" \t("u8);
        return (end < 0 ? rest : rest[..end]).Contains((byte)'.');
    }

    /// <summary>
    /// The index of the first line after <paramref name="index"/> that is not blank, looking a few lines ahead within
    /// the record only; -1 when there is none.
    /// </summary>
    public static int NextNonBlank(ReadOnlySpan<LogLine> lines, int index)
    {
        var last = Math.Min(lines.Length - 1, index + BlankLookahead);
        for (var next = index + 1; next <= last; next++)
        {
            if (!IsBlank(lines[next].Utf8.Span))
            {
                return next;
            }
        }

        return -1;
    }

    /// <summary>The line before <paramref name="index"/> (empty for the record's first line).</summary>
    public static ReadOnlySpan<byte> Previous(ReadOnlySpan<LogLine> lines, int index) => index > 0 ? lines[index - 1].Utf8.Span : [];
}
