using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Processing;

/// <summary>Multiline joining as the function does it: within one record, never across records of one event.</summary>
public sealed class MultilineInThePipelineTests : FunctionAgainstReceiver
{
    [Fact]
    public async Task A_trace_split_across_two_kinesis_records_stays_two_entries()
    {
        const string Group = "/ecs/orders";
        const string Stream = "orders/app/0a1b";
        var first = TestEvents.KinesisData(Group, Stream, (BaseMs, "java.lang.IllegalStateException: boom"), (BaseMs + 1, "\tat com.example.A.run(A.java:1)"));
        var second = TestEvents.KinesisData(Group, Stream, (BaseMs + 2, "\tat com.example.B.run(B.java:2)"), (BaseMs + 3, "\tat com.example.C.run(C.java:3)"));

        await Handler(("MULTILINE", "java")).HandleAsync(TestEvents.Kinesis(first, second), Context(), CancellationToken.None);

        var entries = Receiver.Received.SelectMany(push => push.Streams).SelectMany(s => s.Entries).OrderBy(e => e.TimestampNs).ToList();
        Assert.Equal(
            [
                (BaseMs * 1_000_000, "java.lang.IllegalStateException: boom\n\tat com.example.A.run(A.java:1)"),
                ((BaseMs + 2) * 1_000_000, "\tat com.example.B.run(B.java:2)\n\tat com.example.C.run(C.java:3)"),
            ],
            entries.Select(e => (e.TimestampNs, e.Line)));
        var summary = LogLines()[0];
        Assert.Equal((4, 2, 2), (summary.GetProperty("entries_in").GetInt32(), summary.GetProperty("entries_pushed").GetInt32(), summary.GetProperty("lines_joined").GetInt32()));
    }
}
