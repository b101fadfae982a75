namespace LokiShipper.Pipeline;

/// <summary>How a source tells Lambda what to retry, from what became of each of its items.</summary>
internal interface IItemFailurePolicy
{
    /// <param name="items">Every item of the event, in order, with what became of it.</param>
    ItemReport Report(IReadOnlyList<ItemOutcome> items);
}
