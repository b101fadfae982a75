namespace LokiShipper.Sources.S3.Reading;

/// <summary>
/// The object (or the version asked for, or its bucket) no longer exists: deleted between the notification and the
/// read. Retrying cannot bring it back, so the caller counts it as dropped instead of failing the item.
/// </summary>
internal sealed class S3ObjectGoneException : S3ObjectReadException
{
    public S3ObjectGoneException()
    {
    }

    public S3ObjectGoneException(string message)
        : base(message)
    {
    }

    public S3ObjectGoneException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
