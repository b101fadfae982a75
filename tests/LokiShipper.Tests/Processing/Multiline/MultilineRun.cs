using System.Text.RegularExpressions;
using LokiShipper.Pipeline;
using LokiShipper.Processing.Multiline;

namespace LokiShipper.Tests.Processing.Multiline;

/// <summary>Records of one CloudWatch event per line, and their joined entries as (timestamp, text).</summary>
internal static class MultilineRun
{
    /// <summary>When the first event of a record was logged (2026-11-22T16:00:00Z), in nanoseconds; the others follow a millisecond apart.</summary>
    public const long T0 = 1_795_363_200_000_000_000;

    /// <summary>The timestamp of event <paramref name="index"/>.</summary>
    public static long At(int index) => T0 + (index * LogLine.NanosPerMilli);

    /// <summary>One event per line, a millisecond apart.</summary>
    public static ArraySegment<LogLine> Events(params string[] lines) => lines.Select((line, i) => LogLine.FromText(At(i), line)).ToArray();

    public static MultilineJoiner Joiner(MultilineMode mode, int maxLines = MultilineOptions.DefaultMaxLines, int maxBytes = 0, string? pattern = null) =>
        MultilineJoiner.Create(new MultilineOptions(mode, pattern is null ? null : new Regex(pattern, RegexOptions.NonBacktracking), maxLines, maxBytes))!;

    /// <summary>The entries <paramref name="joiner"/> makes of one event per line.</summary>
    public static List<(long TimestampNs, string Text)> Join(MultilineJoiner joiner, string[] lines, out int joined) =>
        [.. joiner.Join(Events(lines), out joined).Select(line => (line.TimestampNs, line.Text))];

    /// <summary>Events <paramref name="first"/> to <paramref name="last"/> as one entry: the first one's timestamp, the lines separated by \n.</summary>
    public static (long TimestampNs, string Text) Entry(string[] lines, int first, int last) => (At(first), string.Join('\n', lines[first..(last + 1)]));

    /// <summary>That <paramref name="output"/> is <paramref name="input"/> itself: the same array, offset and count (nothing joined, nothing copied).</summary>
    public static void AssertSameSegment(ArraySegment<LogLine> input, ArraySegment<LogLine> output)
    {
        Assert.Same(input.Array, output.Array);
        Assert.Equal((input.Offset, input.Count), (output.Offset, output.Count));
    }
}
