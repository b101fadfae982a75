namespace LokiShipper.Pipeline;

/// <summary>
/// A reader whose item can be finished by a later invocation: when the time left will not cover another chunk, the
/// pipeline stops after a delivered chunk and the reader hands the rest on (an S3 object: bucket, key, version and
/// how many entries were delivered, on a queue the function reads).
/// </summary>
internal interface IContinuable
{
    /// <summary>Whether there is somewhere to hand the rest on to; otherwise the item is read to its end or its failure.</summary>
    bool CanHandOn { get; }

    /// <summary>Hands on what is left after the entries read so far, all of which were delivered.</summary>
    /// <exception cref="InvalidOperationException">The hand-over could not be recorded; the message says why.</exception>
    Task HandOnAsync(CancellationToken cancellationToken);
}
