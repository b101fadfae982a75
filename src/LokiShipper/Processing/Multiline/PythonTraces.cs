using LokiShipper.Pipeline;

namespace LokiShipper.Processing.Multiline;

/// <summary>
/// Python tracebacks, chained ones included:
/// <code>
/// Traceback (most recent call last):
///   File "/var/task/app.py", line 12, in handler
///     total = int(event["amount"])
/// ValueError: invalid literal for int() with base 10: 'ten'
///
/// During handling of the above exception, another exception occurred:
///
/// Traceback (most recent call last):
///   …
/// RuntimeError: bad order
/// </code>
/// <c>Traceback (most recent call last):</c> (or an exception group's <c>  + Exception Group Traceback …</c>) starts an
/// entry. After it,
/// every indented line continues (the <c>File "…", line N, in …</c> lines, the source lines, the <c>^^^^</c> markers,
/// <c>[Previous line repeated …]</c>, the <c>| </c> lines of exception groups), and so does the first line at the start
/// of the line that is an exception (a dotted name, then <c>: </c> or nothing: <c>KeyError: 'id'</c>,
/// <c>botocore.exceptions.ClientError: …</c>), which ends the traceback. After that line, <c>During handling of the
/// above exception…</c> and <c>The above exception was the direct cause…</c> continue, and the next
/// <c>Traceback</c> after them too. A blank line continues only between those (the line it leads to, a few lines
/// ahead within the record, says so); anywhere else it ends the trace, so it never glues unrelated lines together.
/// An indented <c>File "…", line N</c> line continues whatever is before it: it belongs to a traceback whose first
/// line came earlier.
/// </summary>
internal static class PythonTraces
{
    /// <summary>Whether line <paramref name="index"/> continues the entry before it; updates <paramref name="state"/>.</summary>
    public static bool Continues(ReadOnlySpan<LogLine> lines, int index, ReadOnlySpan<byte> line, ref TraceState state)
    {
        if (line.IsEmpty || line[0] <= (byte)' ')
        {
            if (LineShape.IsBlank(line))
            {
                if (state is TraceState.PythonError or TraceState.PythonChain && LineShape.NextNonBlank(lines, index) is var next and >= 0)
                {
                    var following = lines[next].Utf8.Span;
                    if (state == TraceState.PythonError ? IsChainMarker(following) : IsTracebackHead(following))
                    {
                        return true;
                    }
                }
            }
            else if (LineShape.IsSpace(line[0]))
            {
                if (LineShape.TrimStart(line).StartsWith("+ Exception Group Traceback"u8))
                {
                    // An exception group's traceback starts indented; it continues only what a traceback would.
                    var continues = state is TraceState.PythonChain or TraceState.PythonTraceback;
                    state = TraceState.PythonTraceback;
                    return continues;
                }

                if (state == TraceState.PythonTraceback || IsFileLine(line))
                {
                    state = TraceState.PythonTraceback;
                    return true;
                }
            }

            state = TraceState.None;
            return false;
        }

        var first = line[0];
        if (first == (byte)'T' && IsTracebackHead(line))
        {
            var chained = state == TraceState.PythonChain;
            state = TraceState.PythonTraceback;
            return chained;
        }

        if (state == TraceState.PythonTraceback && IsExceptionLine(line))
        {
            state = TraceState.PythonError;
            return true;
        }

        if (state == TraceState.PythonError && IsChainMarker(line))
        {
            state = TraceState.PythonChain;
            return true;
        }

        state = TraceState.None;
        return false;
    }

    /// <summary><c>Traceback (most recent call last):</c>, or an exception group's <c>  + Exception Group Traceback (most recent call last):</c>.</summary>
    public static bool IsTracebackHead(ReadOnlySpan<byte> line) =>
        line.StartsWith("Traceback (most recent call last):"u8) || LineShape.TrimStart(line).StartsWith("+ Exception Group Traceback"u8);

    /// <summary>The line between two chained tracebacks.</summary>
    public static bool IsChainMarker(ReadOnlySpan<byte> line) =>
        line.StartsWith("During handling of the above exception"u8) || line.StartsWith("The above exception was the direct cause"u8);

    /// <summary>The last line of a traceback: a (dotted) exception name, then <c>: </c> and the message, or nothing.</summary>
    public static bool IsExceptionLine(ReadOnlySpan<byte> line)
    {
        var length = LineShape.DottedNameLength(line);
        if (length == 0)
        {
            return false;
        }

        return LineShape.IsExceptionMessage(line[length..]);
    }

    /// <summary><c>  File "/var/task/app.py", line 12, in handler</c>: indented, <c>File "</c>, and <c>", line </c> further on.</summary>
    public static bool IsFileLine(ReadOnlySpan<byte> line)
    {
        var rest = LineShape.TrimStart(line);
        return rest.StartsWith("File \""u8) && rest.IndexOf("\", line "u8) > 0;
    }
}
