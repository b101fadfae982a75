using LokiShipper.Pipeline;

namespace LokiShipper.Sources.Sqs;

/// <summary>SQS's partial-failure protocol: every message not delivered (or not readable) is named, and goes back to the queue.</summary>
internal sealed class QueueFailures : IItemFailurePolicy
{
    public static readonly QueueFailures Instance = new();

    public ItemReport Report(IReadOnlyList<ItemOutcome> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var failed = items.Where(i => !i.Delivered).ToList();
        return new ItemReport(
            [.. failed.Select(i => i.Item.Id)],
            failed.Count == 0 ? [] : [new MessagesReturned([.. failed.Select(i => (i.Item.Id, WholeEventFailure.WithRetryNote(i.Error!)))], items.Count)]);
    }
}
