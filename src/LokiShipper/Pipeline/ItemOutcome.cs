namespace LokiShipper.Pipeline;

/// <summary>What became of one item: delivered (every entry stored, refused by Loki or dropped), or not, and why.</summary>
/// <param name="Item">The item.</param>
/// <param name="Index">Its position in the event.</param>
/// <param name="Error">Null when delivered; an <see cref="InvalidItem"/> or a <see cref="PushFailure"/> otherwise.</param>
internal readonly record struct ItemOutcome(InputItem Item, int Index, InvocationError? Error)
{
    public bool Delivered => Error is null;
}
