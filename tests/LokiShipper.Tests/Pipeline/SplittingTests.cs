using System.Text;
using LokiShipper.Function;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Pipeline;

/// <summary>A batch Loki (or a proxy before it) refuses as too large is sent again in halves until it fits.</summary>
public sealed class SplittingTests : FunctionAgainstReceiver
{
    [Fact]
    public async Task A_batch_refused_as_too_large_is_split_until_it_fits()
    {
        // Loki (or its proxy) refuses any request of more than 3 entries, as a 413 or as the gRPC limit.
        var refusals = 0;
        Receiver.Rule = (http, push) => push.EntryCount <= 3
            ? Receiver.Accept(http, push)
            : (Interlocked.Increment(ref refusals) % 2 == 1
                ? LokiReceiver.Status(413, "Request Entity Too Large")
                : LokiReceiver.Status(500, "rpc error: code = ResourceExhausted desc = grpc: received message larger than max (5242880 vs. 4194304)"))(http, push);

        var events = Enumerable.Range(0, 10).Select(i => (BaseMs + i, $"line {i}")).ToArray();

        var response = Encoding.UTF8.GetString(await Handler().HandleAsync(TestEvents.CloudWatch("/aws/lambda/big", "s", events), Context(), CancellationToken.None));

        var delivered = Receiver.Accepted.SelectMany(p => p.Streams).SelectMany(s => s.Entries).OrderBy(e => e.TimestampNs).Select(e => e.Line);
        Assert.Equal(events.Select(e => e.Item2), delivered);
        Assert.All(Receiver.Accepted, p => Assert.True(p.EntryCount <= 3));
        Assert.Contains("\"entries_in\":10,\"entries_pushed\":10,", response);
        Assert.Contains("\"splits\":3", response); // 10 → 5+5 → (2+3)+(2+3)
        Assert.Equal(3, refusals);
    }

    [Fact]
    public async Task A_single_entry_too_large_fails_the_invocation_and_says_so()
    {
        Receiver.Enqueue(LokiReceiver.Status(413, "Request Entity Too Large"));

        var ex = await Assert.ThrowsAsync<InvocationFailedException>(() =>
            Handler().HandleAsync(TestEvents.CloudWatch("/aws/lambda/big", "s", (BaseMs, "one")), Context(), CancellationToken.None));

        Assert.Contains("batch 0: Loki refused 1 entries", ex.Message);
        Assert.Contains("as too large: HTTP 413: Request Entity Too Large", ex.Message);
    }

    [Fact]
    public async Task When_both_halves_of_a_split_fail_the_batch_is_counted_once()
    {
        Receiver.Rule = LokiReceiver.Status(413, "Request Entity Too Large");

        var ex = await Assert.ThrowsAsync<InvocationFailedException>(() =>
            Handler().HandleAsync(TestEvents.CloudWatch("/aws/lambda/big", "s", (BaseMs, "one"), (BaseMs + 1, "two")), Context(), CancellationToken.None));

        Assert.StartsWith("1 of 1 batches could not be delivered (2 entries; Lambda will retry the event): batch 0: Loki refused 1 entries", ex.Message);
        Assert.Contains("\"failed_batches\":[0]", Log.ToString());
    }
}
