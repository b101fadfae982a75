namespace LokiShipper.Sources.S3.Reading;

/// <summary>An opened S3 object: its content as it arrives from S3 (nothing buffered) and what S3 said of it.</summary>
internal sealed class S3ObjectContent : IAsyncDisposable
{
    private readonly IDisposable? _owner;

    /// <param name="content">The content, already decompressed when the object is gzip.</param>
    /// <param name="owner">What else to dispose with the content (the SDK's response, which holds the connection).</param>
    public S3ObjectContent(Stream content, DateTimeOffset lastModified, long? contentLength = null, string? eTag = null, string? versionId = null, bool gzip = false, IDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        Content = content;
        LastModified = lastModified;
        ContentLength = contentLength;
        ETag = eTag;
        VersionId = versionId;
        Gzip = gzip;
        _owner = owner;
    }

    /// <summary>
    /// The object's bytes, read as they come off the network; decompressed when the object starts with the gzip magic
    /// bytes (all members of a multi-member file). Read errors name the object (<see cref="S3ObjectReadException"/>).
    /// </summary>
    public Stream Content { get; }

    /// <summary>When the object was written (S3's <c>Last-Modified</c>, to the second).</summary>
    public DateTimeOffset LastModified { get; }

    /// <summary>The object's size as stored, so compressed for a gzip object; null when S3 did not say.</summary>
    public long? ContentLength { get; }

    public string? ETag { get; }

    /// <summary>The version read, for a versioned bucket (S3 says <c>null</c> for objects written before versioning).</summary>
    public string? VersionId { get; }

    /// <summary>The object was gzip and <see cref="Content"/> decompresses it.</summary>
    public bool Gzip { get; }

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _owner?.Dispose();
    }
}
