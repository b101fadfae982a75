namespace LokiShipper.Processing.Multiline;

/// <summary>
/// .NET exceptions as <c>Exception.ToString()</c> writes them, and the console logger's entries:
/// <code>
/// Unhandled exception. System.InvalidOperationException: Order 42 could not be saved
///  ---> Npgsql.NpgsqlException (0x80004005): Exception while connecting
///    at Npgsql.Internal.NpgsqlConnector.Open(NpgsqlTimeout timeout, Boolean async, CancellationToken cancellationToken)
///    --- End of inner exception stack trace ---
///    at Orders.Service.Place(Order order) in /src/Orders/Service.cs:line 18
/// --- End of stack trace from previous location ---
///    at Program.&lt;Main&gt;$(String[] args) in /src/Program.cs:line 9
///
/// fail: Microsoft.AspNetCore.Server.Kestrel[13]
///       Connection id "0HN8", Request id "0HN8:00000001": An unhandled exception was thrown by the application.
/// </code>
/// A line continues the entry before it, whatever that is, when it is an indented <c>at</c> frame
/// (<see cref="LineShape.IsAtFrame"/>), an indented <c>---&gt; </c> (an inner exception), an indented
/// <c>--- End of inner exception stack trace ---</c>, or <c>--- End of stack trace from previous location</c>
/// (at the start of the line or indented; older runtimes add "where exception was thrown"). These never start a
/// message. After a console logger header (<c>trce</c>, <c>dbug</c>, <c>info</c>, <c>warn</c>, <c>fail</c> or
/// <c>crit</c>, <c>: </c>, and a category ending in <c>[event id]</c>), the lines indented by six spaces, the
/// logger's padding, continue it too: every message of an ASP.NET Core container otherwise arrives as two events.
/// </summary>
internal static class DotNetTraces
{
    /// <summary>The console logger's padding of message lines.</summary>
    private static ReadOnlySpan<byte> LoggerPadding => "      "u8;

    /// <summary>Whether <paramref name="line"/> continues the entry before it; updates <paramref name="state"/>.</summary>
    public static bool Continues(ReadOnlySpan<byte> line, ref TraceState state)
    {
        if (line.Length > 0)
        {
            var first = line[0];
            if (LineShape.IsSpace(first))
            {
                if (LineShape.IsAtFrame(line) || IsMarker(LineShape.TrimStart(line)))
                {
                    return true; // a logger entry's exception keeps the entry going
                }

                if (state == TraceState.DotNetLoggerEntry && line.StartsWith(LoggerPadding) && !LineShape.IsBlank(line))
                {
                    return true;
                }
            }
            else if (first == (byte)'-' && line.StartsWith("--- End of stack trace from previous location"u8))
            {
                return true;
            }
            else if (IsLoggerHeader(line))
            {
                state = TraceState.DotNetLoggerEntry;
                return false;
            }
        }

        state = TraceState.None;
        return false;
    }

    /// <summary>What .NET writes between the frames of an exception and its inner ones, once indentation is gone.</summary>
    private static bool IsMarker(ReadOnlySpan<byte> text) =>
        text.StartsWith("---> "u8)
        || text.StartsWith("--- End of inner exception stack trace ---"u8)
        || text.StartsWith("--- End of stack trace from previous location"u8);

    /// <summary><c>fail: Microsoft.AspNetCore.Server.Kestrel[13]</c>: the first line of a console logger entry (the simple formatter's default layout).</summary>
    public static bool IsLoggerHeader(ReadOnlySpan<byte> line)
    {
        if (line.Length < 8 || line[4] != (byte)':' || line[5] != (byte)' ')
        {
            return false;
        }

        var level = line[..4];
        return (level.SequenceEqual("info"u8) || level.SequenceEqual("warn"u8) || level.SequenceEqual("fail"u8)
                || level.SequenceEqual("crit"u8) || level.SequenceEqual("dbug"u8) || level.SequenceEqual("trce"u8))
            && LineShape.TrimEnd(line).EndsWith("]"u8);
    }
}
