using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Pipeline;

namespace LokiShipper.Tests.Pipeline;

public class BatcherTests
{
    private static readonly LabelSet A = LabelSet.From([new("app", "a")]); // {app="a"} = 9 bytes
    private static readonly LabelSet B = LabelSet.From([new("app", "b")]);

    private static LokiEntry Entry(long ts, string line, StructuredMetadata? metadata = null) =>
        LokiEntry.FromText(ts, line, metadata ?? StructuredMetadata.Empty);

    [Fact]
    public void Groups_entries_by_stream_in_order_of_first_appearance()
    {
        var batcher = new Batcher();
        batcher.Add(B, Entry(1, "b1"));
        batcher.Add(A, Entry(2, "a1"));
        batcher.Add(B, Entry(3, "b2"));

        var batch = Assert.Single(batcher.Build(1024));

        Assert.Equal(["{app=\"b\"}", "{app=\"a\"}"], batch.Streams.Select(s => s.Labels.Text));
        Assert.Equal(["b1", "b2"], batch.Streams[0].Entries.Select(e => e.LineText));
        Assert.Equal(3, batch.EntryCount);
        Assert.Equal(9 + 9 + 6, batch.SizeBytes);
    }

    [Fact]
    public void Sorts_each_stream_by_timestamp_keeping_arrival_order_for_ties()
    {
        var batcher = new Batcher();
        batcher.Add(A, Entry(30, "third"));
        batcher.Add(A, Entry(10, "first"));
        batcher.Add(A, Entry(20, "second-a"));
        batcher.Add(A, Entry(20, "second-b"));

        var stream = Assert.Single(Assert.Single(batcher.Build(1024)).Streams);

        Assert.Equal(["first", "second-a", "second-b", "third"], stream.Entries.Select(e => e.LineText));
    }

    [Fact]
    public void Cuts_requests_at_the_byte_budget_counting_labels_lines_and_metadata()
    {
        var metadata = new StructuredMetadata([new("log_stream", "s1")]); // 12 bytes
        var batcher = new Batcher();
        for (var i = 0; i < 5; i++)
        {
            batcher.Add(A, Entry(i, "0123456789", metadata)); // 22 bytes each
        }

        // 9 (labels) + 22 + 22 = 53 fits in 60; the third would make 75.
        var batches = batcher.Build(60);

        Assert.Equal([2, 2, 1], batches.Select(b => b.EntryCount));
        Assert.Equal([53L, 53L, 31L], batches.Select(b => b.SizeBytes));
        Assert.Equal([0, 1, 2], batches.Select(b => b.Index));
        Assert.All(batches, b => Assert.True(b.SizeBytes <= 60));
        Assert.Equal([0L, 1, 2, 3, 4], batches.SelectMany(b => b.Streams).SelectMany(s => s.Entries).Select(e => e.TimestampNs));
    }

    [Fact]
    public void A_stream_split_across_requests_repeats_its_labels_in_each()
    {
        var batcher = new Batcher();
        batcher.Add(A, Entry(1, new string('x', 40)));
        batcher.Add(B, Entry(2, new string('y', 40)));
        batcher.Add(B, Entry(3, new string('z', 40)));

        var batches = batcher.Build(100);

        Assert.Equal(2, batches.Count);
        Assert.Equal(["{app=\"a\"}", "{app=\"b\"}"], batches[0].Streams.Select(s => s.Labels.Text));
        Assert.Equal(["{app=\"b\"}"], batches[1].Streams.Select(s => s.Labels.Text));
    }

    [Fact]
    public void An_entry_larger_than_the_budget_travels_alone()
    {
        var batcher = new Batcher();
        batcher.Add(A, Entry(1, "small"));
        batcher.Add(A, Entry(2, new string('x', 500)));
        batcher.Add(A, Entry(3, "small"));

        var batches = batcher.Build(100);

        Assert.Equal([1, 1, 1], batches.Select(b => b.EntryCount));
        Assert.Equal(509, batches[1].SizeBytes);
    }

    [Fact]
    public void No_entries_means_no_requests()
    {
        Assert.Empty(new Batcher().Build(100));
    }

    [Fact]
    public void Sizes_count_utf8_bytes()
    {
        var batcher = new Batcher();
        batcher.Add(A, Entry(1, "ü✓🚀")); // 2 + 3 + 4 bytes

        Assert.Equal(9 + 9, Assert.Single(batcher.Build(100)).SizeBytes);
    }
}
