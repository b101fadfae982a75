using Amazon.Runtime;

namespace LokiShipper.Sources.S3.Reading;

/// <summary>
/// A read-only stream over an S3 object's body that first gives back the bytes already taken off it (to look for the
/// gzip magic bytes) and turns read failures into <see cref="S3ObjectReadException"/>s naming the object: a reset
/// connection or a corrupt gzip member surfaces far from the code that opened the object, which alone knows its name.
/// </summary>
internal sealed class ObjectBodyStream : Stream
{
    private readonly Stream _inner;
    private readonly string _objectUri;
    private readonly bool _decompressing;
    private ReadOnlyMemory<byte> _prefix;
    private long _position;

    /// <param name="inner">The body (or a <see cref="System.IO.Compression.GZipStream"/> over it); disposed with this stream.</param>
    /// <param name="prefix">Bytes read from <paramref name="inner"/> already, given back first.</param>
    /// <param name="objectUri"><c>s3://bucket/key</c>, for error messages.</param>
    /// <param name="decompressing"><paramref name="inner"/> decompresses gzip: invalid data means a corrupt object.</param>
    public ObjectBodyStream(Stream inner, ReadOnlyMemory<byte> prefix, string objectUri, bool decompressing)
    {
        _inner = inner;
        _prefix = prefix;
        _objectUri = objectUri;
        _decompressing = decompressing;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (TakePrefix(buffer) is var taken and > 0)
        {
            return taken;
        }

        try
        {
            var read = _inner.Read(buffer);
            _position += read;
            return read;
        }
        catch (Exception ex) when (Named(ex) is { } named)
        {
            throw named;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TakePrefix(buffer.Span) is var taken and > 0)
        {
            return taken;
        }

        try
        {
            var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            _position += read;
            return read;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Named(ex) is { } named)
        {
            throw named;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int TakePrefix(Span<byte> buffer)
    {
        if (_prefix.IsEmpty || buffer.IsEmpty)
        {
            return 0;
        }

        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        _position += n;
        return n;
    }

    /// <summary>The failure as an exception naming the object, or null to let it through (already named, or cancellation).</summary>
    private S3ObjectReadException? Named(Exception ex) => ex switch
    {
        S3ObjectReadException => null,
        InvalidDataException when _decompressing => new S3ObjectReadException(
            $"{_objectUri}: the object starts with the gzip magic bytes (1f 8b) but does not decompress after {_position} bytes of output: {ex.Message}", ex)
        { ObjectUri = _objectUri },
        AmazonServiceException service => new S3ObjectReadException(
            $"{_objectUri}: reading the object failed after {_position} bytes: {service.ErrorCode}: {service.Message}", ex)
        { ObjectUri = _objectUri, ErrorCode = service.ErrorCode },

        // A connection reset mid-body (IOException, HttpRequestException), a checksum that does not match (the SDK's
        // AmazonClientException), an HttpClient timeout (a cancellation nobody asked for).
        IOException or HttpRequestException or AmazonClientException or OperationCanceledException => new S3ObjectReadException(
            $"{_objectUri}: reading the object failed after {_position} bytes{(_decompressing ? " of decompressed output" : "")}: {ex.Message}", ex)
        { ObjectUri = _objectUri },
        _ => null,
    };
}
