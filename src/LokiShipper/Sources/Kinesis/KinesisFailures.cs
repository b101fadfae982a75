using LokiShipper.Pipeline;

namespace LokiShipper.Sources.Kinesis;

/// <summary>
/// Kinesis's partial-failure protocol: the answer names the first record (in shard order) with an entry not
/// delivered, and Lambda retries the shard from there, so the stream holds the records while Loki is down. A record
/// that cannot be read is not retried, because retrying cannot fix it and would block the shard: it is skipped and
/// named (shard and sequence number, to read it from the stream while the stream retains it).
/// </summary>
internal sealed class KinesisFailures : IItemFailurePolicy
{
    public static readonly KinesisFailures Instance = new();

    public ItemReport Report(IReadOnlyList<ItemOutcome> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var errors = new List<InvocationError>();
        var retryFrom = items.FirstOrDefault(i => i.Error is PushFailure);
        if (retryFrom.Error is PushFailure failure)
        {
            errors.Add(new ShardRetry(retryFrom.Index, retryFrom.Item.Id, items.Count, failure));
        }

        var skipped = items.Where(i => i.Error is InvalidItem).Select(i => i.Error!.Message).ToList();
        if (skipped.Count > 0)
        {
            errors.Add(new RecordsSkipped(skipped, items.Count));
        }

        return new ItemReport(retryFrom.Error is null ? [] : [retryFrom.Item.Id], errors);
    }
}
