
namespace LokiShipper.Loki;

/// <summary>Push stage: delivers one batch, retrying within the budget, and says where each entry ended; or throws <see cref="PushFailedException"/>.</summary>
internal interface ILokiSink
{
    /// <param name="batch">The batch to deliver. Valid only until the returned task completes: its entries are pooled.</param>
    /// <param name="giveUpAt">The end of the retry budget (before the Lambda deadline).</param>
    /// <param name="cancellationToken">Cancels the push.</param>
    Task<PushResult> PushAsync(PushBatch batch, DateTimeOffset giveUpAt, CancellationToken cancellationToken);
}
