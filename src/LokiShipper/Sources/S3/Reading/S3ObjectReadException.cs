namespace LokiShipper.Sources.S3.Reading;

/// <summary>
/// An S3 object could not be read. The message starts with <c>s3://bucket/key</c> and gives S3's error code and
/// words; it never holds credentials. Worth retrying unless it is one of the more specific kinds below it.
/// </summary>
internal class S3ObjectReadException : Exception
{
    public S3ObjectReadException()
    {
    }

    public S3ObjectReadException(string message)
        : base(message)
    {
    }

    public S3ObjectReadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The object, as <c>s3://bucket/key</c> (with <c>?versionId=</c> when a version was asked for).</summary>
    public string? ObjectUri { get; init; }

    /// <summary>S3's error code (<c>NoSuchKey</c>, <c>AccessDenied</c>, <c>SlowDown</c>…) when S3 answered with one.</summary>
    public string? ErrorCode { get; init; }
}
