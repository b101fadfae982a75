namespace LokiShipper.Pipeline;

/// <summary>Batches that could not be delivered: retries ran out, or Loki refused them in a way retrying cannot fix.</summary>
/// <param name="FailedBatches">Batches not delivered (a batch split in two counts once).</param>
/// <param name="TotalBatches">Batches of the push.</param>
/// <param name="FailedEntries">Entries in those batches.</param>
/// <param name="Reasons">Each failed request's reason, in batch order.</param>
internal sealed record PushFailure(int FailedBatches, int TotalBatches, int FailedEntries, IReadOnlyList<string> Reasons) : InvocationError
{
    public override string Type => "PushFailed";

    /// <summary>What Lambda does next, appended to the entry count (e.g. "; Lambda will retry the event"), or empty.</summary>
    public string RetryNote { get; init; } = string.Empty;

    public override string Message =>
        $"{FailedBatches} of {TotalBatches} batches could not be delivered ({FailedEntries} entries{RetryNote}): {string.Join(" | ", Reasons)}";
}
