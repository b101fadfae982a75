using LokiShipper.Processing.Multiline;
using static LokiShipper.Tests.Processing.Multiline.MultilineRun;

namespace LokiShipper.Tests.Processing.Multiline;

public class GoTracesTests
{
    private static readonly MultilineJoiner Go = Joiner(MultilineMode.Go);

    [Fact]
    public void A_panic_with_two_goroutines_and_exit_status_becomes_one_entry_with_its_blank_lines()
    {
        string[] events =
        [
            "2026/11/30 10:04:31 listening on :8080",
            "panic: runtime error: invalid memory address or nil pointer dereference",
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6a1c2f]",
            "",
            "goroutine 18 [running]:",
            "main.(*OrderHandler).ServeHTTP(0x0, {0x7a3d20, 0xc0001c6000}, 0xc0001b4000)",
            "\t/app/handler.go:42 +0x2f",
            "net/http.serverHandler.ServeHTTP({0xc00009e0f0?}, {0x7a3d20?, 0xc0001c6000?}, 0x6?)",
            "\t/usr/local/go/src/net/http/server.go:3210 +0x8e",
            "created by net/http.(*Server).Serve in goroutine 1",
            "\t/usr/local/go/src/net/http/server.go:3360 +0x485",
            "",
            "goroutine 1 [IO wait]:",
            "internal/poll.runtime_pollWait(0x7f3a2c1e5e28, 0x72)",
            "\t/usr/local/go/src/runtime/netpoll.go:351 +0x85",
            "main.main()",
            "\t/app/main.go:15 +0x1d",
            "exit status 2",
            "2026/11/30 10:04:33 listening on :8080",
        ];

        var entries = Join(Go, events, out var joined);

        Assert.Equal([Entry(events, 0, 0), Entry(events, 1, 17), Entry(events, 18, 18)], entries);
        Assert.Contains("\n\ngoroutine 1 [IO wait]:\n", entries[1].Text, StringComparison.Ordinal);
        Assert.Equal(At(1), entries[1].TimestampNs);
        Assert.Equal(16, joined);
    }

    [Fact]
    public void A_fatal_error_joins_when_the_blank_line_was_dropped_and_a_later_blank_line_glues_nothing()
    {
        string[] events =
        [
            "fatal error: all goroutines are asleep - deadlock!",
            "goroutine 1 [chan receive]:",
            "main.main()",
            "\t/app/main.go:10 +0x3c",
            "",
            "2026/11/30 10:04:31 supervisor: restarting",
        ];

        Assert.Equal([Entry(events, 0, 3), Entry(events, 4, 4), Entry(events, 5, 5)], Join(Go, events, out var joined));
        Assert.Equal(3, joined);
    }

    [Fact]
    public void Net_http_panic_serving_takes_the_goroutine_after_it_but_a_goroutine_dump_after_other_lines_stands_alone()
    {
        string[] events =
        [
            "2026/11/30 10:04:31 http: panic serving 10.0.3.7:51234: order 42 not found",
            "goroutine 7 [running]:",
            "net/http.(*conn).serve.func1()",
            "\t/usr/local/go/src/net/http/server.go:1947 +0xbe",
            "2026/11/30 10:04:32 dumping goroutines on SIGQUIT",
            "goroutine 1 [select]:",
            "main.main()",
            "\t/app/main.go:22 +0x1f0",
        ];

        Assert.Equal([Entry(events, 0, 3), Entry(events, 4, 4), Entry(events, 5, 7)], Join(Go, events, out var joined));
        Assert.Equal(5, joined);
    }

    [Fact]
    public void Call_and_file_lines_outside_a_panic_or_dump_stay_apart()
    {
        string[] events =
        [
            "starting worker pool",
            "main.main()",
            "\t/app/main.go:15 +0x1d",
            "exit status 2",
            "created by hand",
        ];

        var input = Events(events);

        AssertSameSegment(input, Go.Join(input, out var joined));
        Assert.Equal(0, joined);
    }
}
