using LokiShipper.Pipeline;

namespace LokiShipper.Processing.Multiline;

/// <summary>
/// Go panics and fatal errors, with every goroutine the runtime prints:
/// <code>
/// panic: runtime error: invalid memory address or nil pointer dereference
/// [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x47d8a3]
///
/// goroutine 1 [running]:
/// main.(*Server).handle(0x0, {0x4c7f40, 0xc000012345})
/// 	/app/server.go:42 +0x23
/// created by main.main in goroutine 1
/// 	/app/main.go:15 +0x65
/// exit status 2
/// </code>
/// <c>panic: …</c> or <c>fatal error: …</c> at the start of a line starts the entry. After it: <c>[signal …</c>,
/// indented lines (the file lines, a nested <c>panic:</c> of a panic while panicking), <c>goroutine N […]:</c>
/// headers, and, inside a goroutine, its call lines (<c>pkg.func(…)</c>: no whitespace before the first <c>(</c>, a
/// <c>)</c> after it), <c>created by …</c> and <c>...additional frames elided...</c> continue; <c>exit status N</c>
/// continues and ends it. A blank line continues only when a goroutine header comes next (a few lines ahead, within
/// the record). A goroutine header after a line that mentions <c>panic</c> (net/http's
/// <c>http: panic serving …</c>) continues that line; anywhere else it starts a goroutine dump of its own.
/// </summary>
internal static class GoTraces
{
    /// <summary>Whether line <paramref name="index"/> continues the entry before it; updates <paramref name="state"/>.</summary>
    public static bool Continues(ReadOnlySpan<LogLine> lines, int index, ReadOnlySpan<byte> line, ref TraceState state)
    {
        if (line.IsEmpty || line[0] <= (byte)' ')
        {
            if (state != TraceState.None)
            {
                if (LineShape.IsBlank(line))
                {
                    if (LineShape.NextNonBlank(lines, index) is var next and >= 0 && IsGoroutineHeader(lines[next].Utf8.Span))
                    {
                        return true;
                    }
                }
                else if (LineShape.IsSpace(line[0]))
                {
                    return true;
                }
            }

            state = TraceState.None;
            return false;
        }

        var first = line[0];
        if (first == (byte)'g' && IsGoroutineHeader(line))
        {
            var continues = state != TraceState.None || LineShape.Previous(lines, index).IndexOf("panic"u8) >= 0;
            state = TraceState.GoStack;
            return continues;
        }

        if (state == TraceState.GoPanic && line.StartsWith("[signal "u8))
        {
            return true;
        }

        if (state == TraceState.GoStack
            && (IsCall(line) || line.StartsWith("created by "u8) || line.StartsWith("...additional frames elided..."u8)))
        {
            return true;
        }

        if (state != TraceState.None && line.StartsWith("exit status "u8))
        {
            state = TraceState.None;
            return true;
        }

        state = (first == (byte)'p' && line.StartsWith("panic: "u8)) || (first == (byte)'f' && line.StartsWith("fatal error: "u8))
            ? TraceState.GoPanic
            : TraceState.None;
        return false;
    }

    /// <summary><c>goroutine 1 [running]:</c> (also with Go 1.23's <c>gp=… m=…</c> fields before the bracket).</summary>
    public static bool IsGoroutineHeader(ReadOnlySpan<byte> line) =>
        line.StartsWith("goroutine "u8) && line.Length > 10 && char.IsAsciiDigit((char)line[10]) && LineShape.TrimEnd(line).EndsWith("]:"u8);

    /// <summary>A call line of a goroutine's stack: <c>main.(*Server).handle(0x0, {…})</c>, <c>panic({0x4a1e20?, 0x5e8f40?})</c>.</summary>
    private static bool IsCall(ReadOnlySpan<byte> line)
    {
        var open = line.IndexOf((byte)'(');
        return open > 0 && line[..open].IndexOfAny((byte)' ', (byte)'\t') < 0 && line[open..].Contains((byte)')');
    }
}
