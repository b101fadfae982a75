using LokiShipper.Pipeline;

namespace LokiShipper.Processing.Multiline;

/// <summary>
/// Java (and other JVM languages') stack traces as <c>Throwable.printStackTrace</c> and the logging frameworks write
/// them:
/// <code>
/// Exception in thread "main" java.lang.IllegalStateException: Failed to process order 42
/// 	at com.example.orders.OrderService.process(OrderService.java:87)
/// Caused by: java.sql.SQLException: Connection refused
/// 	at org.postgresql.Driver.connect(Driver.java:285)
/// 	... 12 more
/// </code>
/// A line continues the entry before it when it is
/// <list type="bullet">
/// <item>an indented <c>at</c> frame (<see cref="LineShape.IsAtFrame"/>), whatever comes before it: a frame never
/// starts a message, and the line before is the exception's, whatever its shape;</item>
/// <item><c>Caused by: …</c> at the start of the line, or any indented line that is not blank (<c>\tSuppressed: …</c>,
/// <c>\t... 12 more</c>, <c>\t... 5 common frames omitted</c>, the indented lines of a long message), when it follows a
/// line of a trace or an exception head (<see cref="IsExceptionHead"/>).</item>
/// </list>
/// The head itself starts its entry: the log line before it (logback's message line) may or may not be the same
/// message, which the bytes do not say (<c>printStackTrace</c> writes the same head after any line). A custom
/// <c>MULTILINE</c> pattern that matches the log lines' timestamp keeps such a line and its trace together.
/// </summary>
internal static class JavaTraces
{
    /// <summary>Whether line <paramref name="index"/> continues the entry before it; updates <paramref name="state"/>.</summary>
    public static bool Continues(ReadOnlySpan<LogLine> lines, int index, ReadOnlySpan<byte> line, ref TraceState state)
    {
        if (line.Length > 0)
        {
            var first = line[0];
            if (LineShape.IsSpace(first))
            {
                if (LineShape.IsAtFrame(line)
                    || (!LineShape.IsBlank(line) && (state == TraceState.JavaTrace || IsExceptionHead(LineShape.Previous(lines, index)))))
                {
                    state = TraceState.JavaTrace;
                    return true;
                }
            }
            else if (first == (byte)'C' && line.StartsWith("Caused by: "u8)
                && (state == TraceState.JavaTrace || IsExceptionHead(LineShape.Previous(lines, index))))
            {
                state = TraceState.JavaTrace;
                return true;
            }
        }

        state = TraceState.None;
        return false;
    }

    /// <summary>
    /// The first line of a Java exception: <c>Exception in thread "…" …</c>, or a qualified class name ending in
    /// <c>Exception</c>, <c>Error</c> or <c>Throwable</c> followed by <c>: </c> or nothing
    /// (<c>java.lang.NullPointerException</c>, <c>org.postgresql.util.PSQLException: Connection refused</c>). The
    /// package and the suffix keep logger lines such as <c>org.hibernate.SQL: select …</c> out.
    /// </summary>
    public static bool IsExceptionHead(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("Exception in thread \""u8))
        {
            return true;
        }

        var length = LineShape.DottedNameLength(line);
        if (length == 0)
        {
            return false;
        }

        var name = line[..length];
        return LineShape.IsExceptionMessage(line[length..])
            && name.Contains((byte)'.')
            && (name.EndsWith("Exception"u8) || name.EndsWith("Error"u8) || name.EndsWith("Throwable"u8));
    }
}
