using LokiShipper.Processing.Multiline;
using static LokiShipper.Tests.Processing.Multiline.MultilineRun;

namespace LokiShipper.Tests.Processing.Multiline;

public class DotNetTracesTests
{
    private static readonly MultilineJoiner DotNet = Joiner(MultilineMode.DotNet);

    [Fact]
    public void An_exception_with_inner_exceptions_and_an_async_boundary_becomes_one_entry()
    {
        string[] events =
        [
            "Unhandled exception. System.InvalidOperationException: Order 42 could not be saved",
            " ---> Npgsql.NpgsqlException (0x80004005): Failed to connect to 10.0.3.12:5432",
            " ---> System.Net.Sockets.SocketException (111): Connection refused",
            "   at Npgsql.Internal.NpgsqlConnector.Connect(NpgsqlTimeout timeout)",
            "   --- End of inner exception stack trace ---",
            "   at Npgsql.Internal.NpgsqlConnector.Open(NpgsqlTimeout timeout, Boolean async, CancellationToken cancellationToken)",
            "   --- End of inner exception stack trace ---",
            "   at Orders.Repository.SaveAsync(Order order) in /src/Orders/Repository.cs:line 41",
            "--- End of stack trace from previous location ---",
            "   at Orders.Service.PlaceAsync(Order order) in /src/Orders/Service.cs:line 18",
            "   at Program.<Main>$(String[] args) in /src/Program.cs:line 9",
            "   at Program.<Main>(String[] args)",
            "Starting worker again",
        ];

        var entries = Join(DotNet, events, out var joined);

        Assert.Equal([Entry(events, 0, 11), Entry(events, 12, 12)], entries);
        Assert.Equal(T0, entries[0].TimestampNs);
        Assert.Equal(11, joined);
    }

    [Fact]
    public void A_console_logger_entry_takes_its_message_lines_and_its_exception()
    {
        string[] events =
        [
            "info: Microsoft.Hosting.Lifetime[14]",
            "      Now listening on: http://[::]:8080",
            "info: Microsoft.Hosting.Lifetime[0]",
            "      Application started. Press Ctrl+C to shut down.",
            "fail: Microsoft.AspNetCore.Server.Kestrel[13]",
            "      Connection id \"0HN8J2\", Request id \"0HN8J2:00000001\": An unhandled exception was thrown by the application.",
            "      System.InvalidOperationException: Order 42 could not be saved",
            "         at Orders.Service.Place(Order order) in /src/Orders/Service.cs:line 18",
            "         at Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke(HttpContext httpContext)",
            "warn: Orders.Service[7]",
            "      Retrying order 42",
        ];

        Assert.Equal(
            [Entry(events, 0, 1), Entry(events, 2, 3), Entry(events, 4, 8), Entry(events, 9, 10)],
            Join(DotNet, events, out var joined));
        Assert.Equal(7, joined);
    }

    [Fact]
    public void Indented_lines_that_are_neither_frames_nor_markers_nor_a_logger_entry_stay_apart()
    {
        string[] events =
        [
            "System.InvalidOperationException: Order 42 could not be saved",
            "    order details follow",
            "info: not a logger header",
            "      padded but no header before",
            "--- a separator line ---",
        ];

        var input = Events(events);

        AssertSameSegment(input, DotNet.Join(input, out var joined));
        Assert.Equal(0, joined);
    }
}
