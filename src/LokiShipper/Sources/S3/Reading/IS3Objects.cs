namespace LokiShipper.Sources.S3.Reading;

/// <summary>Opens S3 objects for reading: the seam between the S3 source and AWS (<see cref="AwsS3Objects"/>; fakes in tests).</summary>
internal interface IS3Objects
{
    /// <summary>Opens <paramref name="obj"/> (the version it names, if any) as a stream, decompressed when it is gzip.</summary>
    /// <exception cref="S3ObjectGoneException">The object, version or bucket no longer exists: count it as dropped, do not retry.</exception>
    /// <exception cref="S3AccessDeniedException">The function's role may not read it; the message names the missing permission.</exception>
    /// <exception cref="S3ObjectReadException">Any other failure, naming the object.</exception>
    Task<S3ObjectContent> OpenAsync(S3ObjectRef obj, CancellationToken cancellationToken);
}
