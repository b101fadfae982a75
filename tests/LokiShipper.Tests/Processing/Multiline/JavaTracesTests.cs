using LokiShipper.Processing.Multiline;
using static LokiShipper.Tests.Processing.Multiline.MultilineRun;

namespace LokiShipper.Tests.Processing.Multiline;

public class JavaTracesTests
{
    private static readonly MultilineJoiner Java = Joiner(MultilineMode.Java);

    [Fact]
    public void A_trace_with_two_causes_and_omitted_frames_becomes_one_entry_between_the_log_lines_around_it()
    {
        string[] events =
        [
            "2026-11-30 10:04:30.001 INFO  [main] c.e.orders.OrderService : Processing order 42",
            "Exception in thread \"main\" java.lang.IllegalStateException: Failed to process order 42",
            "\tat com.example.orders.OrderService.process(OrderService.java:87)",
            "\tat com.example.orders.OrderController.submit(OrderController.java:41)",
            "\tat com.example.orders.Main.main(Main.java:12)",
            "Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.",
            "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
            "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)",
            "\tat com.example.orders.OrderRepository.save(OrderRepository.java:33)",
            "\t... 3 more",
            "Caused by: org.postgresql.util.PSQLException: Connection to db:5432 refused.",
            "\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)",
            "\tat org.postgresql.Driver.connect(Driver.java:285)",
            "\t... 12 more",
            "2026-11-30 10:04:31.500 INFO  [main] c.e.orders.OrderService : Retrying order 42",
        ];

        var entries = Join(Java, events, out var joined);

        Assert.Equal([Entry(events, 0, 0), Entry(events, 1, 13), Entry(events, 14, 14)], entries);
        Assert.Equal(T0 + 1_000_000, entries[1].TimestampNs);
        Assert.StartsWith("Exception in thread \"main\" java.lang.IllegalStateException: Failed to process order 42\n\tat com.example.orders.OrderService.process(OrderService.java:87)\n", entries[1].Text, StringComparison.Ordinal);
        Assert.EndsWith("\tat org.postgresql.Driver.connect(Driver.java:285)\n\t... 12 more", entries[1].Text, StringComparison.Ordinal);
        Assert.Equal(12, joined);
    }

    [Fact]
    public void After_an_exception_head_indented_lines_continue_it_and_Suppressed_and_common_frames_omitted_too()
    {
        string[] events =
        [
            "2026-11-30 10:04:31.123 ERROR 1 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() threw exception",
            "java.lang.IllegalArgumentException: order has no lines:",
            "    order id 42, customer c-7",
            "\tat com.example.orders.Orders.validate(Orders.java:20) ~[classes/:na]",
            "\tSuppressed: java.io.UncheckedIOException: close failed",
            "\t\tat com.example.orders.Resource.close(Resource.java:5)",
            "\t\t... 1 common frames omitted",
            "2026-11-30 10:04:31.124 INFO 1 --- [nio-8080-exec-2] c.e.orders.Orders : next request",
        ];

        // The head starts its own entry: that logback's message line before it is the same message, the bytes do not say.
        Assert.Equal([Entry(events, 0, 0), Entry(events, 1, 6), Entry(events, 7, 7)], Join(Java, events, out var joined));
        Assert.Equal(5, joined);
    }

    [Fact]
    public void Frames_continue_whatever_line_is_before_them_and_Caused_by_continues_the_frames()
    {
        string[] events =
        [
            "2026-11-30 10:04:31 ERROR Order 42 rejected: com.example.OrderRejected: no stock",
            "\tat com.example.Stock.reserve(Stock.java:55)",
            "\tat com.example.Orders.place(Orders.java:31)",
            "Caused by: com.example.StockUnavailable: warehouse offline",
            "\tat com.example.Warehouse.query(Warehouse.java:9)",
        ];

        Assert.Equal([Entry(events, 0, 4)], Join(Java, events, out var joined));
        Assert.Equal(4, joined);
    }

    [Fact]
    public void Indented_lines_and_Caused_by_without_an_exception_or_frame_before_them_stay_apart()
    {
        string[] events =
        [
            "Loaded configuration:",
            "  port = 8080",
            "  at the moment no TLS",
            "Caused by: nothing, this is a sentence",
            "com.example.orders: started in 2.1 s",
            "  with 4 workers",
        ];

        var input = Events(events);
        var output = Java.Join(input, out var joined);

        AssertSameSegment(input, output);
        Assert.Equal(0, joined);
    }

    [Fact]
    public void A_blank_line_ends_a_trace_and_takes_nothing_on()
    {
        string[] events =
        [
            "java.lang.IllegalStateException: boom",
            "\tat com.example.A.run(A.java:1)",
            "",
            "\tat com.example.B.run(B.java:2)",
            "    indented text",
        ];

        Assert.Equal([Entry(events, 0, 1), Entry(events, 2, 2), Entry(events, 3, 4)], Join(Java, events, out var joined));
        Assert.Equal(2, joined);
    }

    [Theory]
    [InlineData("java.lang.NullPointerException", true)]
    [InlineData("java.lang.OutOfMemoryError: Java heap space", true)]
    [InlineData("kotlin.KotlinNullPointerException: null", true)]
    [InlineData("Exception in thread \"pool-1-thread-3\" java.util.concurrent.RejectedExecutionException: rejected", true)]
    [InlineData("org.hibernate.SQL: select * from orders", false)]
    [InlineData("IllegalStateException: not qualified", false)]
    [InlineData("java.lang.IllegalStateException is thrown when", false)]
    [InlineData("2026-11-30 java.lang.IllegalStateException: late", false)]
    public void An_exception_head_is_a_qualified_name_ending_in_Exception_Error_or_Throwable_then_a_colon_or_nothing(string line, bool head)
    {
        Assert.Equal(head, JavaTraces.IsExceptionHead(System.Text.Encoding.UTF8.GetBytes(line)));
    }
}
