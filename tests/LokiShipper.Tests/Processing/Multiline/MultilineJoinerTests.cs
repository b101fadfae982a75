using System.Text;
using System.Text.RegularExpressions;
using LokiShipper.Pipeline;
using LokiShipper.Processing.Multiline;
using static LokiShipper.Tests.Processing.Multiline.MultilineRun;

namespace LokiShipper.Tests.Processing.Multiline;

public class MultilineJoinerTests
{
    private static readonly MultilineJoiner Auto = Joiner(MultilineMode.Auto);

    /// <summary>A Java trace of <paramref name="frames"/> frames after its head, one event per line.</summary>
    private static string[] JavaTrace(int frames) =>
        ["java.lang.IllegalStateException: boom", .. Enumerable.Range(1, frames).Select(i => $"\tat com.example.Step{i}.run(Step{i}.java:{i})")];

    [Fact]
    public void Off_makes_no_joiner()
    {
        Assert.Null(MultilineJoiner.Create(MultilineOptions.Off));
    }

    [Fact]
    public void The_custom_mode_needs_its_pattern()
    {
        Assert.Throws<ArgumentException>(() => MultilineJoiner.Create(new MultilineOptions(MultilineMode.Custom, null, 500, 0)));
    }

    [Fact]
    public void When_nothing_joins_the_same_segment_comes_back_same_array_offset_and_count()
    {
        var array = Events(
            "java.lang.IllegalStateException: outside the segment",
            "2026-11-30 10:04:31 INFO order 42 accepted",
            "2026-11-30 10:04:31 INFO order 43 accepted",
            """{"level":"error","msg":"payment declined","order":44}""",
            """{"level":"info","msg":"retrying","order":44}""",
            "2026-11-30 10:04:32 INFO order 44 accepted").Array!;
        var input = new ArraySegment<LogLine>(array, 1, 5);

        var output = Auto.Join(input, out var joined);

        Assert.Same(array, output.Array);
        Assert.Equal(1, output.Offset);
        Assert.Equal(5, output.Count);
        Assert.Equal(0, joined);
    }

    [Fact]
    public void Joined_entries_are_new_lines_and_the_others_keep_their_bytes()
    {
        var input = Events("2026-11-30 10:04:31 ERROR failed", "java.lang.IllegalStateException: boom", "\tat com.example.A.run(A.java:1)", "2026-11-30 10:04:32 INFO next");

        var output = Auto.Join(input, out var joined);

        Assert.Equal(3, output.Count);
        Assert.Equal(1, joined);
        Assert.True(output[0].Utf8.Equals(input[0].Utf8));
        Assert.True(output[2].Utf8.Equals(input[3].Utf8));
        Assert.Equal(new LogLine(At(1), output[1].Utf8), output[1]);
        Assert.Equal("java.lang.IllegalStateException: boom\n\tat com.example.A.run(A.java:1)", output[1].Text);
    }

    [Fact]
    public void Only_the_segments_lines_are_seen_so_frames_at_its_start_do_not_reach_back_to_a_head_before_it()
    {
        var array = Events(JavaTrace(3)).Array!;

        var output = Auto.Join(new ArraySegment<LogLine>(array, 1, 3), out var joined);

        var entry = Assert.Single(output);
        Assert.Equal((At(1), "\tat com.example.Step1.run(Step1.java:1)\n\tat com.example.Step2.run(Step2.java:2)\n\tat com.example.Step3.run(Step3.java:3)"), (entry.TimestampNs, entry.Text));
        Assert.Equal(2, joined);
    }

    [Fact]
    public void A_trace_split_across_40_events_becomes_one_entry_with_the_first_events_timestamp()
    {
        string[] events = [.. JavaTrace(38), "\t... 12 more"];

        var entries = Join(Auto, events, out var joined);

        var entry = Assert.Single(entries);
        Assert.Equal(1_795_363_200_000_000_000, entry.TimestampNs);
        Assert.Equal(string.Join('\n', events), entry.Text);
        Assert.Equal(40, entry.Text.Split('\n').Length);
        Assert.Equal(39, joined);
    }

    [Fact]
    public void At_MaxLines_the_next_line_starts_an_entry_and_the_trace_goes_on_in_it()
    {
        var events = JavaTrace(7); // 8 lines

        var entries = Join(Joiner(MultilineMode.Java, maxLines: 3), events, out var joined);

        Assert.Equal([Entry(events, 0, 2), Entry(events, 3, 5), Entry(events, 6, 7)], entries);
        Assert.Equal([At(0), At(3), At(6)], entries.Select(e => e.TimestampNs));
        Assert.Equal(5, joined);
    }

    [Fact]
    public void At_MaxBytes_the_line_that_would_pass_it_starts_an_entry_and_nothing_is_cut()
    {
        // 10-byte lines: an entry of three is 10 + 11 + 11 = 32 bytes, separators included.
        string[] events = ["S123456789", "c123456789", "c123456789", "c123456789", "c123456789", "c123456789", "c123456789", new string('c', 40), "c123456789"];

        var entries = Join(Joiner(MultilineMode.Custom, maxBytes: 32, pattern: "^S"), events, out var joined);

        Assert.Equal([Entry(events, 0, 2), Entry(events, 3, 5), Entry(events, 6, 6), Entry(events, 7, 7), Entry(events, 8, 8)], entries);
        Assert.Equal([32, 32, 10, 40, 10], entries.Select(e => Encoding.UTF8.GetByteCount(e.Text)));
        Assert.Equal(4, joined);
    }

    [Fact]
    public void A_blank_line_a_bound_split_off_still_leads_on_to_the_rest_of_its_trace()
    {
        string[] events = ["panic: boom", "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x47d8a3]", "", "goroutine 1 [running]:", "main.main()"];

        Assert.Equal([Entry(events, 0, 1), Entry(events, 2, 3), Entry(events, 4, 4)], Join(Joiner(MultilineMode.Go, maxLines: 2), events, out var joined));
        Assert.Equal(2, joined);
    }

    [Fact]
    public void MaxBytes_zero_is_no_limit()
    {
        var events = JavaTrace(MultilineOptions.DefaultMaxLines - 1);

        var entry = Assert.Single(Join(Joiner(MultilineMode.Java, maxBytes: 0), events, out var joined));

        Assert.Equal(string.Join('\n', events), entry.Text);
        Assert.Equal(MultilineOptions.DefaultMaxLines - 1, joined);
    }

    [Fact]
    public void A_lines_own_trailing_line_break_gives_way_to_the_separator_and_the_last_line_keeps_its_own()
    {
        string[] events = ["java.lang.IllegalStateException: boom\n", "\tat com.example.A.run(A.java:1)\r\n", "\tat com.example.B.run(B.java:2)\n"];

        var entry = Assert.Single(Join(Joiner(MultilineMode.Java, maxBytes: 102), events, out _));

        Assert.Equal("java.lang.IllegalStateException: boom\n\tat com.example.A.run(A.java:1)\n\tat com.example.B.run(B.java:2)\n", entry.Text);
        Assert.Equal(102, Encoding.UTF8.GetByteCount(entry.Text)); // exactly the bound: the dropped breaks are not counted
    }

    [Fact]
    public void A_custom_pattern_starts_an_entry_at_each_line_it_matches_and_every_other_line_continues()
    {
        string[] events =
        [
            "\tat com.example.Tail.run(Tail.java:9)",
            "\t... 3 more",
            "2026-11-30 10:04:31,001 ERROR [worker-1] Failed to process order 42",
            "java.lang.IllegalStateException: boom",
            "\tat com.example.Orders.process(Orders.java:87)",
            "",
            "2026-11-30 10:04:31,002 INFO  [worker-1] next order",
            "2026-11-30 10:04:31,003 INFO  [worker-1] payload:",
            """{"order":43}""",
        ];

        var entries = Join(Joiner(MultilineMode.Custom, pattern: @"^\d{4}-\d{2}-\d{2}"), events, out var joined);

        // As with awslogs-multiline-pattern, the lines before the first match are one entry, and a blank line is just a line.
        Assert.Equal([Entry(events, 0, 1), Entry(events, 2, 5), Entry(events, 6, 6), Entry(events, 7, 8)], entries);
        Assert.Equal(5, joined);
    }

    [Fact]
    public void A_custom_pattern_matches_the_line_as_text()
    {
        string[] events = ["▶ Schritt 1: Bestellung geprüft", "  Größe: 3 Artikel", "▶ Schritt 2: Zahlung"];

        Assert.Equal([Entry(events, 0, 1), Entry(events, 2, 2)], Join(Joiner(MultilineMode.Custom, pattern: "^▶ Schritt"), events, out var joined));
        Assert.Equal(1, joined);
    }

    [Fact]
    public void Auto_mode_joins_each_languages_trace_in_one_record_and_leaves_the_lines_between_them()
    {
        string[] events =
        [
            "2026-11-30 10:04:30 INFO starting",
            "java.lang.IllegalStateException: boom",
            "\tat com.example.A.run(A.java:1)",
            "Caused by: java.io.IOException: closed",
            "\t... 1 more",
            """{"level":"info","msg":"between"}""",
            "Traceback (most recent call last):",
            "  File \"/app/main.py\", line 3, in <module>",
            "KeyError: 'id'",
            "System.InvalidOperationException: nope",
            "   at Orders.Service.Place(Order order) in /src/Orders/Service.cs:line 18",
            "panic: boom",
            "",
            "goroutine 1 [running]:",
            "main.main()",
            "\t/app/main.go:8 +0x1d",
            "exit status 2",
            "2026-11-30 10:04:31 INFO done",
            "2026-11-30 10:04:31 INFO really done",
        ];

        Assert.Equal(
            [Entry(events, 0, 0), Entry(events, 1, 4), Entry(events, 5, 5), Entry(events, 6, 8), Entry(events, 9, 10), Entry(events, 11, 16), Entry(events, 17, 17), Entry(events, 18, 18)],
            Join(Auto, events, out var joined));
        Assert.Equal(11, joined);
    }

    [Fact]
    public void Plain_log_lines_json_lines_and_blank_lines_are_never_joined_in_auto_mode()
    {
        var input = Events(
            "2026-11-30 10:04:31.001 INFO  [main] c.e.orders.OrderService : order 42 accepted",
            "2026-11-30 10:04:31.002 INFO  [main] c.e.orders.OrderService : order 43 accepted",
            "",
            "    indented after a blank line",
            """{"level":"error","msg":"payment declined","order":44}""",
            """  {"level":"info","msg":"indented json"}""",
            "INFO:orders:python logging line",
            "WARNING:orders:another one");

        AssertSameSegment(input, Auto.Join(input, out var joined));
        Assert.Equal(0, joined);
    }

    [Fact]
    public void One_joiner_serves_many_records_at_once()
    {
        var joiner = Joiner(MultilineMode.Custom, pattern: "^S");
        var records = Enumerable.Range(1, 64).Select(n => (n, Events([.. Enumerable.Range(0, n).Select(i => i % 4 == 0 ? $"S{i}" : $"c{i}")]))).ToList();

        var counts = records.AsParallel().Select(r => (r.n, joiner.Join(r.Item2, out var joined).Count, joined)).ToList();

        Assert.All(counts, c => Assert.Equal(((c.n + 3) / 4, c.n - ((c.n + 3) / 4)), (c.Count, c.joined)));
    }

    [Fact]
    public void Empty_and_single_line_records_come_back_as_they_are()
    {
        var one = Events("java.lang.IllegalStateException: boom");

        AssertSameSegment(one, Auto.Join(one, out var joinedOne));
        AssertSameSegment(default, Auto.Join(default, out var joinedNone));
        Assert.Equal((0, 0), (joinedOne, joinedNone));
    }

    [Fact]
    public void The_pattern_is_used_as_compiled()
    {
        var options = new MultilineOptions(MultilineMode.Custom, new Regex("^start", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking), 500, 0);

        var output = MultilineJoiner.Create(options)!.Join(Events("START here", "more", "Start again"), out var joined);

        Assert.Equal(["START here\nmore", "Start again"], output.Select(l => l.Text));
        Assert.Equal(1, joined);
    }
}
