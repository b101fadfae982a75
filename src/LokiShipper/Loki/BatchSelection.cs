namespace LokiShipper.Loki;

/// <summary>
/// Entries of a batch addressed by one flat index (stream by stream, in request order), and batches of some of them
/// under the same labels, for pushing part of a batch again.
/// </summary>
internal static class BatchSelection
{
    /// <summary>The flat index of each stream's first entry, and the total at the end.</summary>
    public static int[] Offsets(PushBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var offsets = new int[batch.Streams.Count + 1];
        for (var s = 0; s < batch.Streams.Count; s++)
        {
            offsets[s + 1] = offsets[s] + batch.Streams[s].Entries.Count;
        }

        return offsets;
    }

    /// <summary>The stream of flat index <paramref name="flat"/>.</summary>
    public static int StreamOf(int[] offsets, int flat)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        var s = 0;
        while (offsets[s + 1] <= flat)
        {
            s++;
        }

        return s;
    }

    public static LokiEntry Entry(PushBatch batch, int[] offsets, int flat)
    {
        var s = StreamOf(offsets, flat);
        return batch.Streams[s].Entries[flat - offsets[s]];
    }

    /// <summary>A batch of the entries at <paramref name="flat"/> (ascending), each stream keeping its labels and order.</summary>
    public static PushBatch Select(PushBatch batch, IReadOnlyList<int> flat)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(flat);
        var offsets = Offsets(batch);
        var streams = new List<LokiStream>();
        var k = 0;
        for (var s = 0; s < batch.Streams.Count && k < flat.Count; s++)
        {
            var entries = new List<LokiEntry>();
            while (k < flat.Count && flat[k] < offsets[s + 1])
            {
                entries.Add(batch.Streams[s].Entries[flat[k] - offsets[s]]);
                k++;
            }

            if (entries.Count > 0)
            {
                streams.Add(batch.Streams[s] with { Entries = entries });
            }
        }

        return PushBatch.Of(batch.Index, streams);
    }
}
