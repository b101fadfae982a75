using LokiShipper.Processing.Multiline;
using static LokiShipper.Tests.Processing.Multiline.MultilineRun;

namespace LokiShipper.Tests.Processing.Multiline;

public class PythonTracesTests
{
    private static readonly MultilineJoiner Python = Joiner(MultilineMode.Python);

    [Fact]
    public void Chained_tracebacks_with_their_blank_lines_become_one_entry_ending_at_the_last_exception_line()
    {
        string[] events =
        [
            "INFO:orders:processing order 42",
            "Traceback (most recent call last):",
            "  File \"/app/orders.py\", line 12, in parse_amount",
            "    return int(raw)",
            "           ^^^^^^^^",
            "ValueError: invalid literal for int() with base 10: 'ten'",
            "",
            "During handling of the above exception, another exception occurred:",
            "",
            "Traceback (most recent call last):",
            "  File \"/app/main.py\", line 30, in <module>",
            "    handle(order)",
            "  File \"/app/orders.py\", line 20, in handle",
            "    raise OrderError(\"bad amount\")",
            "orders.OrderError: bad amount",
            "INFO:orders:processing order 43",
        ];

        var entries = Join(Python, events, out var joined);

        Assert.Equal([Entry(events, 0, 0), Entry(events, 1, 14), Entry(events, 15, 15)], entries);
        Assert.Equal(
            "ValueError: invalid literal for int() with base 10: 'ten'\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):",
            string.Join('\n', entries[1].Text.Split('\n')[4..9]));
        Assert.Equal(13, joined);
    }

    [Fact]
    public void The_direct_cause_chain_joins_when_the_blank_lines_were_dropped_too()
    {
        string[] events =
        [
            "Traceback (most recent call last):",
            "  File \"/var/task/app.py\", line 8, in load",
            "    return s3.get_object(Bucket=bucket, Key=key)",
            "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied",
            "The above exception was the direct cause of the following exception:",
            "Traceback (most recent call last):",
            "  File \"/var/task/app.py\", line 14, in handler",
            "    raise LoadError(key) from e",
            "app.LoadError: s3://orders/42.json",
            "KeyboardInterrupt",
        ];

        Assert.Equal([Entry(events, 0, 8), Entry(events, 9, 9)], Join(Python, events, out var joined));
        Assert.Equal(8, joined);
    }

    [Fact]
    public void A_blank_line_after_a_traceback_that_no_chain_follows_ends_it_and_glues_nothing()
    {
        string[] events =
        [
            "Traceback (most recent call last):",
            "  File \"/app/main.py\", line 3, in <module>",
            "    main()",
            "KeyError: 'order_id'",
            "",
            "INFO:orders:shutting down",
            "  indented continuation of nothing",
        ];

        Assert.Equal([Entry(events, 0, 3), Entry(events, 4, 4), Entry(events, 5, 5), Entry(events, 6, 6)], Join(Python, events, out var joined));
        Assert.Equal(3, joined);
    }

    [Fact]
    public void The_exception_line_ends_the_traceback_and_a_line_at_the_start_that_is_not_one_breaks_it()
    {
        string[] events =
        [
            "Traceback (most recent call last):",
            "  File \"/app/main.py\", line 3, in <module>",
            "WARNING:root:interleaved from another thread",
            "    main()",
            "RuntimeError",
            "ERROR:root:after the exception",
        ];

        Assert.Equal([Entry(events, 0, 1), Entry(events, 2, 2), Entry(events, 3, 3), Entry(events, 4, 4), Entry(events, 5, 5)], Join(Python, events, out var joined));
        Assert.Equal(1, joined);
    }

    [Fact]
    public void A_traceback_whose_first_line_was_in_an_earlier_record_joins_from_its_first_File_line()
    {
        string[] events =
        [
            "  File \"/app/worker.py\", line 41, in run",
            "    self.process(job)",
            "  File \"/app/worker.py\", line 60, in process",
            "    raise TimeoutError(job.id)",
            "TimeoutError: job-7",
        ];

        Assert.Equal([Entry(events, 0, 4)], Join(Python, events, out var joined));
        Assert.Equal(4, joined);
    }

    [Fact]
    public void An_exception_group_starts_indented_and_its_bar_lines_continue_it()
    {
        string[] events =
        [
            "  + Exception Group Traceback (most recent call last):",
            "  |   File \"/app/main.py\", line 9, in <module>",
            "  |     raise ExceptionGroup(\"many\", [ValueError(1), TypeError(2)])",
            "  | ExceptionGroup: many (2 sub-exceptions)",
            "  +-+---------------- 1 ----------------",
            "    | ValueError: 1",
            "    +------------------------------------",
            "INFO:app:done",
        ];

        Assert.Equal([Entry(events, 0, 6), Entry(events, 7, 7)], Join(Python, events, out var joined));
        Assert.Equal(6, joined);
    }
}
