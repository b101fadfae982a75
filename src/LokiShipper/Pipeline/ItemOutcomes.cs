using System.Collections;

namespace LokiShipper.Pipeline;

/// <summary>
/// What became of every item of an event, as a list, kept as the items plus the few that were not delivered: a Kinesis
/// event of 5,000 records would otherwise take an array of outcomes on the large object heap every invocation.
/// </summary>
internal sealed class ItemOutcomes(IReadOnlyList<InputItem> items) : IReadOnlyList<ItemOutcome>
{
    private readonly Dictionary<int, InvocationError> _errors = [];

    public int Count => items.Count;

    public ItemOutcome this[int index] => new(items[index], index, _errors.GetValueOrDefault(index));

    /// <summary>Item <paramref name="index"/> was not delivered, for this reason (the last one given wins).</summary>
    public void Fail(int index, InvocationError error) => _errors[index] = error;

    public IEnumerator<ItemOutcome> GetEnumerator()
    {
        for (var index = 0; index < items.Count; index++)
        {
            yield return this[index];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
