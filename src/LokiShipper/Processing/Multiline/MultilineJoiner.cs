using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using LokiShipper.Pipeline;

namespace LokiShipper.Processing.Multiline;

/// <summary>
/// Joins the lines of one record that continue the line before them (a stack trace CloudWatch Logs received one
/// event per line) into one entry, with the first line's timestamp and the lines separated by <c>\n</c>.
/// </summary>
/// <remarks>
/// It sees one record's lines at a time (one log stream of one CloudWatch record, one chunk of an S3 object), so
/// nothing is ever joined across records, streams, chunks or invocations; Lambda's own lines are never joined onto
/// anything either (<see cref="Lambda.LambdaLines"/>). What continues is the mode's rules (<see cref="JavaTraces"/>,
/// <see cref="PythonTraces"/>, <see cref="DotNetTraces"/>, <see cref="GoTraces"/>, all four in auto mode) or, in the
/// custom mode, every line the start pattern does not match (the awslogs driver's <c>awslogs-multiline-pattern</c>).
/// An entry is bounded: the line that would take it past <see cref="MultilineOptions.MaxLines"/> lines or
/// <see cref="MultilineOptions.MaxBytes"/> bytes starts the next entry instead, and the trace goes on there; nothing
/// is cut or lost. The joiner holds no state between calls: one instance serves every record and thread.
/// </remarks>
internal sealed class MultilineJoiner
{
    private readonly MultilineMode _mode;
    private readonly Regex? _startPattern;
    private readonly int _maxLines;
    private readonly int _maxBytes;

    private MultilineJoiner(MultilineOptions options)
    {
        _mode = options.Mode;
        _startPattern = options.StartPattern;
        _maxLines = options.MaxLines;
        _maxBytes = options.MaxBytes;
    }

    /// <summary>The joiner for <paramref name="options"/>, or null when they join nothing (<see cref="MultilineMode.Off"/>).</summary>
    public static MultilineJoiner? Create(MultilineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mode == MultilineMode.Off)
        {
            return null;
        }

        if (options.Mode == MultilineMode.Custom && options.StartPattern is null)
        {
            throw new ArgumentException("the custom mode needs its start pattern", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLines, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxBytes, nameof(options));
        return new MultilineJoiner(options);
    }

    /// <summary>
    /// Joins the continuation lines of one record. Returns the input segment itself (no allocation) when nothing was
    /// joined; otherwise a new segment whose joined entries have the first line's timestamp and new byte arrays (the
    /// other lines keep theirs). <paramref name="joined"/> = how many input lines were merged into the line before
    /// them (input count - output count).
    /// </summary>
    public ArraySegment<LogLine> Join(ArraySegment<LogLine> lines, out int joined)
    {
        joined = 0;
        var span = lines.AsSpan();
        if (span.Length < 2)
        {
            return lines;
        }

        var states = default(States);
        char[]? chars = null;
        int[]? starts = null; // where each entry starts, from the first entry that takes a line on
        try
        {
            var first = span[0].Utf8.Span;
            if (_mode != MultilineMode.Custom)
            {
                Continues(span, 0, first, ref states, ref chars); // the first line starts an entry; it may open a trace
            }

            var firstJoined = -1;
            var startCount = 0;
            var entryStart = 0;
            var entryLines = 1;
            long entryBytes = first.Length;
            var lastBreak = LineShape.BreakLength(first);
            var previousInTrace = false; // whether the line before continued what came before it, bounds aside
            for (var i = 1; i < span.Length; i++)
            {
                var line = span[i].Utf8.Span;
                var continues = Continues(span, i, line, ref states, ref chars);
                if (continues && (Lambda.LambdaLines.IsPlatformLine(line) || Lambda.LambdaLines.IsRuntimeLine(line)))
                {
                    // Lambda's lines are never part of what came before, whatever the rules or the pattern say.
                    continues = false;
                    states = default;
                }
                else if (continues && !MayFollow(span[i - 1].Utf8.Span, previousInTrace))
                {
                    continues = false; // the line starts an entry, but what the rules saw in it stands: a trace may go on from it
                }

                // Over a bound the line starts the next entry, but the rules' states stay: the trace goes on there.
                var inTrace = continues;
                var bytes = entryBytes - lastBreak + 1 + line.Length;
                if (continues && (entryLines >= _maxLines || (_maxBytes > 0 && bytes > _maxBytes)))
                {
                    continues = false;
                }

                if (continues)
                {
                    if (firstJoined < 0)
                    {
                        firstJoined = entryStart;
                        starts = ArrayPool<int>.Shared.Rent(span.Length - entryStart);
                        starts[startCount++] = entryStart;
                    }

                    entryLines++;
                    entryBytes = bytes;
                }
                else
                {
                    if (starts is not null)
                    {
                        starts[startCount++] = i;
                    }

                    entryStart = i;
                    entryLines = 1;
                    entryBytes = line.Length;
                }

                lastBreak = LineShape.BreakLength(line);
                previousInTrace = inTrace;
            }

            if (starts is null)
            {
                return lines;
            }

            var output = new LogLine[firstJoined + startCount];
            span[..firstJoined].CopyTo(output);
            for (var entry = 0; entry < startCount; entry++)
            {
                var start = starts[entry];
                var end = entry + 1 < startCount ? starts[entry + 1] : span.Length;
                output[firstJoined + entry] = end - start == 1 ? span[start] : Concatenate(span[start..end]);
            }

            joined = span.Length - output.Length;
            return new ArraySegment<LogLine>(output);
        }
        finally
        {
            if (starts is not null)
            {
                ArrayPool<int>.Shared.Return(starts);
            }

            if (chars is not null)
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }
    }

    /// <summary>What the mode says of line <paramref name="index"/>, before the guards and bounds.</summary>
    private bool Continues(ReadOnlySpan<LogLine> lines, int index, ReadOnlySpan<byte> line, ref States states, ref char[]? chars)
    {
        switch (_mode)
        {
            case MultilineMode.Java:
                return JavaTraces.Continues(lines, index, line, ref states.Java);
            case MultilineMode.Python:
                return PythonTraces.Continues(lines, index, line, ref states.Python);
            case MultilineMode.DotNet:
                return DotNetTraces.Continues(line, ref states.DotNet);
            case MultilineMode.Go:
                return GoTraces.Continues(lines, index, line, ref states.Go);
            case MultilineMode.Auto:
                // Every rule set sees every line (| rather than ||), so each keeps its own state.
                return JavaTraces.Continues(lines, index, line, ref states.Java)
                    | PythonTraces.Continues(lines, index, line, ref states.Python)
                    | DotNetTraces.Continues(line, ref states.DotNet)
                    | GoTraces.Continues(lines, index, line, ref states.Go);
            default:
                return !StartsEntry(line, ref chars);
        }
    }

    /// <summary>Whether the start pattern matches the line, decoded into a pooled buffer rather than a string.</summary>
    private bool StartsEntry(ReadOnlySpan<byte> line, ref char[]? chars)
    {
        // UTF-8 never decodes to more chars than it has bytes.
        if (chars is null || chars.Length < line.Length)
        {
            if (chars is not null)
            {
                ArrayPool<char>.Shared.Return(chars);
            }

            chars = ArrayPool<char>.Shared.Rent(Math.Max(line.Length, 256));
        }

        var length = Encoding.UTF8.GetChars(line, chars);
        return _startPattern!.IsMatch(chars.AsSpan(0, length));
    }

    /// <summary>
    /// Whether a line may continue the entry whose last line is <paramref name="previous"/>: not when that is a Lambda
    /// platform line (nothing is carried across invocations), nor, in the built-in modes, when it is a blank line that
    /// was not itself part of a trace, so a blank line never glues unrelated lines together.
    /// </summary>
    private bool MayFollow(ReadOnlySpan<byte> previous, bool previousInTrace) =>
        !Lambda.LambdaLines.IsPlatformLine(previous)
        && (_mode == MultilineMode.Custom || previousInTrace || !LineShape.IsBlank(previous));

    /// <summary>
    /// One entry of several lines: the first line's timestamp, the lines separated by <c>\n</c>. A line's own
    /// trailing line break gives way to the separator; the last line keeps its own, as an unjoined line would.
    /// </summary>
    private static LogLine Concatenate(ReadOnlySpan<LogLine> parts)
    {
        var size = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var bytes = parts[i].Utf8.Span;
            size += i < parts.Length - 1 ? bytes.Length - LineShape.BreakLength(bytes) + 1 : bytes.Length;
        }

        var joined = new byte[size];
        var written = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var bytes = parts[i].Utf8.Span;
            if (i < parts.Length - 1)
            {
                bytes = bytes[..^LineShape.BreakLength(bytes)];
                bytes.CopyTo(joined.AsSpan(written));
                written += bytes.Length;
                joined[written++] = (byte)'\n';
            }
            else
            {
                bytes.CopyTo(joined.AsSpan(written));
            }
        }

        return new LogLine(parts[0].TimestampNs, joined);
    }

    /// <summary>Each language's rule state, side by side for auto mode; one set per <see cref="Join"/> call, on its stack.</summary>
    private struct States
    {
        public TraceState Java;
        public TraceState Python;
        public TraceState DotNet;
        public TraceState Go;
    }
}
