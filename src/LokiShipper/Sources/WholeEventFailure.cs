using LokiShipper.Pipeline;

namespace LokiShipper.Sources;

/// <summary>An event of one item: what failed fails the invocation, and Lambda retries the whole event.</summary>
internal sealed class WholeEventFailure : IItemFailurePolicy
{
    public static readonly WholeEventFailure Instance = new();

    /// <summary>What a failed push adds to its entry count.</summary>
    public const string RetryNote = "; Lambda will retry the event";

    public ItemReport Report(IReadOnlyList<ItemOutcome> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new ItemReport(null, [.. items.Where(i => !i.Delivered).Select(i => WithRetryNote(i.Error!))]);
    }

    public static InvocationError WithRetryNote(InvocationError error) =>
        error is PushFailure push ? push with { RetryNote = RetryNote } : error;
}
