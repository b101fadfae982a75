namespace LokiShipper.Loki;

/// <summary>A batch could not be delivered: retries ran out or Loki refused it permanently.</summary>
internal sealed class PushFailedException : Exception
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
