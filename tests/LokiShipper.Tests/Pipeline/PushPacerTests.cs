using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Pipeline;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Pipeline;

/// <summary>Pushes wait for their turn under Loki's rate limits rather than being refused and retried.</summary>
public class PushPacerTests
{
    private static readonly LabelSet A = LabelSet.From([new("stream", "a")]);
    private static readonly LabelSet B = LabelSet.From([new("stream", "b")]);

    private static PushBatch Batch(params (LabelSet Labels, int Bytes)[] streams) => PushBatch.Of(
        0,
        [.. streams.Select(s => new LokiStream(s.Labels, [LokiEntry.FromText(1, new string('x', s.Bytes), StructuredMetadata.Empty)]))]);

    [Fact]
    public async Task One_stream_goes_at_its_rate_once_its_burst_is_spent_and_another_stream_does_not_wait_for_it()
    {
        var time = FakeClock.New();
        var pacer = new PushPacer(new RateLimit(1_000_000, 1_000_000), RateLimit.Off, time);
        var giveUpAt = time.GetUtcNow().AddMinutes(1);

        var waits = new List<TimeSpan>();
        foreach (var batch in new[] { Batch((A, 1_000_000)), Batch((A, 500_000)), Batch((B, 1_000_000)), Batch((A, 500_000)) })
        {
            var wait = pacer.WaitAsync(batch, giveUpAt, CancellationToken.None);
            waits.Add(await FakeClock.RunAsync(time, wait, TimeSpan.FromMilliseconds(100)));
        }

        // a: the burst goes at once, then 0.5 MB takes 0.5 s; b has its own bucket; a's next 0.5 MB waits another 0.5 s.
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(0.5), TimeSpan.Zero, TimeSpan.FromSeconds(0.5)], waits);
    }

    [Fact]
    public async Task All_streams_together_keep_under_the_ingestion_rate_and_a_wait_never_passes_the_retry_budget()
    {
        var time = FakeClock.New();
        var pacer = new PushPacer(RateLimit.Off, new RateLimit(1_000_000, 1_500_000), time);

        var first = await pacer.WaitAsync(Batch((A, 1_000_000), (B, 500_000)), time.GetUtcNow().AddMinutes(1), CancellationToken.None);
        var second = await FakeClock.RunAsync(time, pacer.WaitAsync(Batch((B, 2_000_000)), time.GetUtcNow().AddMinutes(1), CancellationToken.None), TimeSpan.FromMilliseconds(100));
        var third = await FakeClock.RunAsync(time, pacer.WaitAsync(Batch((A, 5_000_000)), time.GetUtcNow().AddSeconds(3), CancellationToken.None), TimeSpan.FromMilliseconds(100));

        Assert.Equal(TimeSpan.Zero, first);
        Assert.Equal(TimeSpan.FromSeconds(2), second);
        Assert.Equal(TimeSpan.FromSeconds(3), third); // 5 s of rate owed, but the budget ends in 3 s: Loki decides then
    }
}
