using LokiShipper.Batching;

namespace LokiShipper.Push;

/// <summary>What became of one push request.</summary>
/// <param name="Accepted">Entries Loki stored.</param>
/// <param name="Rejected">Entries Loki refused in a partial-acceptance 400 (not resent).</param>
/// <param name="RejectReason">Loki's reason for <paramref name="Rejected"/>, as a short key.</param>
/// <param name="BytesSent">Request body bytes sent, all attempts included.</param>
/// <param name="Retries">Attempts after the first.</param>
/// <param name="RejectDetail">The first line of Loki's answer, for the log.</param>
public sealed record PushResult(int Accepted, int Rejected, string? RejectReason, long BytesSent, int Retries, string? RejectDetail = null);

/// <summary>Push stage: delivers one batch, retrying within the budget, or throws <see cref="PushFailedException"/>.</summary>
public interface ILokiSink
{
    /// <param name="batch">The batch to deliver. Valid only until the returned task completes: its entries are pooled.</param>
    /// <param name="giveUpAt">The end of the retry budget (before the Lambda deadline).</param>
    /// <param name="cancellationToken">Cancels the push.</param>
    Task<PushResult> PushAsync(PushBatch batch, DateTimeOffset giveUpAt, CancellationToken cancellationToken);
}

/// <summary>A batch could not be delivered: retries ran out or Loki refused it permanently.</summary>
public sealed class PushFailedException : Exception
{
    public PushFailedException()
    {
    }

    public PushFailedException(string message)
        : base(message)
    {
    }

    public PushFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PushFailedException(string message, int retries, long bytesSent, Exception? innerException = null)
        : base(message, innerException)
    {
        Retries = retries;
        BytesSent = bytesSent;
    }

    public int Retries { get; }
    public long BytesSent { get; }

    /// <summary>Loki (or a proxy before it) refused the request for its size: send it again in smaller parts.</summary>
    public bool TooLarge { get; init; }
}
