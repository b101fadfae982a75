namespace LokiShipper.Sources.S3;

/// <summary>Where the rest of an object too large for one invocation is handed on to (our seam; SQS in production).</summary>
internal interface IContinuationQueue
{
    /// <summary>Queues <paramref name="continuation"/>; the function reads it back from the same queue and resumes.</summary>
    /// <exception cref="InvalidOperationException">It could not be queued; the message says why.</exception>
    Task SendAsync(S3Continuation continuation, CancellationToken cancellationToken);
}
