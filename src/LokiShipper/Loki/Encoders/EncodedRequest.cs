using System.Buffers;

namespace LokiShipper.Loki.Encoders;

/// <summary>A push request body ready to send. Dispose it to return a pooled buffer.</summary>
internal sealed class EncodedRequest : IDisposable
{
    private byte[]? _pooled;

    public EncodedRequest(byte[] body, int length, string contentType, string? contentEncoding, bool pooled)
    {
        Body = body;
        Length = length;
        ContentType = contentType;
        ContentEncoding = contentEncoding;
        _pooled = pooled ? body : null;
    }

    public byte[] Body { get; }
    public int Length { get; }
    public string ContentType { get; }
    public string? ContentEncoding { get; }

    public ReadOnlyMemory<byte> Memory => Body.AsMemory(0, Length);

    public void Dispose()
    {
        if (_pooled is { } buffer)
        {
            _pooled = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

