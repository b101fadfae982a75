using LokiShipper.Loki;

namespace LokiShipper.Pipeline;

/// <summary>The counts of an invocation while it runs; <see cref="ToOutcome"/> freezes them. Used by one invocation, on one thread at a time.</summary>
internal sealed class OutcomeTally
{
    private readonly SortedDictionary<string, int> _rejected = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _droppedItems = new(StringComparer.Ordinal);
    private readonly List<int> _failedBatches = [];
    private int _entriesIn;
    private int _entriesPushed;
    private int _entriesFailed;
    private int _metadataDropped;
    private int _verificationPushes;
    private int _batches;
    private long _bytesSent;
    private int _splits;
    private int _retries;
    private long _pushMs;
    private int _invalidItems;
    private int _itemsContinued;

    public void CountIn(int entries) => _entriesIn += entries;

    public void Drop(string reason, int entries) => Lines.Drop(reason, entries);

    /// <summary>An item whose content is gone (an S3 object deleted before it was read), counted and not retried.</summary>
    public void DropItem(string reason) => Add(_droppedItems, reason, 1);

    /// <summary>What mapping did to the lines: cut, redacted, joined, dropped on purpose (one for the invocation).</summary>
    public LineCounts Lines { get; } = new();

    public void InvalidItem() => _invalidItems++;

    /// <summary>An item whose rest was handed on to a later invocation (what was read of it is delivered).</summary>
    public void Continued() => _itemsContinued++;

    public void Batches(int count) => _batches += count;

    public void PushTime(long milliseconds) => _pushMs += milliseconds;

    /// <summary>A batch Loki answered: where its entries ended, and what it cost.</summary>
    public void Pushed(PushResult result)
    {
        _entriesPushed += result.Accepted;
        foreach (var (reason, count) in result.Rejected)
        {
            Add(_rejected, reason, count);
        }

        _metadataDropped += result.MetadataDropped;
        _verificationPushes += result.VerificationPushes;
        _bytesSent += result.BytesSent;
        _retries += result.Retries;
    }

    /// <summary>A request that failed: what it cost, whatever became of its entries.</summary>
    public void Attempted(PushFailedException failure)
    {
        _bytesSent += failure.BytesSent;
        _retries += failure.Retries;
    }

    /// <summary>A batch sent again as two halves, each accounted for on its own.</summary>
    public void Split() => _splits++;

    public void Failed(int batchIndex, int entries, bool firstFailureOfBatch)
    {
        _entriesFailed += entries;
        if (firstFailureOfBatch)
        {
            _failedBatches.Add(batchIndex);
        }
    }

    public InvocationOutcome ToOutcome(InputEvent? input, ItemReport? report, IReadOnlyList<InvocationError> errors, long elapsedMs) => new()
    {
        Source = input?.Source ?? "cloudwatch",
        SummaryField = input?.SummaryField,
        EntriesIn = _entriesIn,
        EntriesPushed = _entriesPushed,
        EntriesFailed = _entriesFailed,
        Rejected = new SortedDictionary<string, int>(_rejected, StringComparer.Ordinal),
        Dropped = Lines.DroppedCopy(),
        DroppedItems = new SortedDictionary<string, int>(_droppedItems, StringComparer.Ordinal),
        LinesTruncated = Lines.Truncated,
        LinesRedacted = Lines.Redacted,
        LinesJoined = Lines.Joined,
        MetadataDropped = _metadataDropped,
        VerificationPushes = _verificationPushes,
        Batches = _batches,
        FailedBatches = [.. _failedBatches],
        BytesSent = _bytesSent,
        Splits = _splits,
        Retries = _retries,
        PushMs = _pushMs,
        ElapsedMs = elapsedMs,
        InvalidItems = _invalidItems,
        ItemsContinued = _itemsContinued,
        InvalidItemsName = $"invalid_{input?.ItemName ?? "message"}s",
        BatchItemFailures = report?.BatchItemFailures,
        Errors = errors,
    };

    private static void Add(SortedDictionary<string, int> counts, string reason, int count)
    {
        if (count > 0)
        {
            counts[reason] = counts.GetValueOrDefault(reason) + count;
        }
    }
}
