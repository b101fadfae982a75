namespace LokiShipper.Sources.S3.Reading;

/// <summary>
/// S3 (or KMS, for an object encrypted with a KMS key) refused the function's role. The message names the object and
/// the permission the role lacks: the fix is in IAM or a bucket or key policy, not in retrying.
/// </summary>
internal sealed class S3AccessDeniedException : S3ObjectReadException
{
    public S3AccessDeniedException()
    {
    }

    public S3AccessDeniedException(string message)
        : base(message)
    {
    }

    public S3AccessDeniedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The permissions the message names, e.g. <c>s3:GetObject</c> and <c>kms:Decrypt</c>.</summary>
    public IReadOnlyList<string> MissingPermissions { get; init; } = [];
}
