namespace LokiShipper.Pipeline;

/// <summary>
/// What a source read from one Lambda event: its items, and how their failures are reported. Dispose it once its
/// entries are pushed: its lines are pooled.
/// </summary>
internal sealed class InputEvent : IDisposable
{
    public InputEvent(string source, IReadOnlyList<InputItem> items, IItemFailurePolicy failures)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Items = items ?? throw new ArgumentNullException(nameof(items));
        Failures = failures ?? throw new ArgumentNullException(nameof(failures));
    }

    /// <summary>The source's name in the summary: <c>cloudwatch</c>, <c>kinesis</c>, <c>sqs</c>.</summary>
    public string Source { get; }

    public IReadOnlyList<InputItem> Items { get; }

    public IItemFailurePolicy Failures { get; }

    /// <summary>
    /// Push each item's entries in requests of their own, so one item's failure never holds back another's (SQS
    /// messages). Otherwise all items share requests, which is fewer of them (Kinesis records).
    /// </summary>
    public bool ShipItemsApart { get; init; }

    /// <summary>What the source calls an item, in the summary's <c>invalid_…s</c> count: <c>message</c>, <c>record</c>.</summary>
    public string ItemName { get; init; } = "message";

    /// <summary>A field the summary line names the event by (e.g. <c>log_group</c>), or null.</summary>
    public KeyValuePair<string, string>? SummaryField { get; init; }

    /// <summary>The buffers that hold the lines; given back by <see cref="Dispose"/>.</summary>
    public IDisposable? Lines { get; set; }

    public void Dispose()
    {
        Lines?.Dispose();
        Lines = null;
    }
}
