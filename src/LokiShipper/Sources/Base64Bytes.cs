using System.Buffers;
using System.Text.Json;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources;

/// <summary>
/// The bytes of a base64 JSON string, decoded into a buffer rented from the pool (dispose to return it). A 1 MB
/// CloudWatch batch is about 200 KB of gzip: decoded into a new array, that is a large-object-heap allocation per
/// invocation.
/// </summary>
internal readonly struct Base64Bytes : IDisposable
{
    private readonly byte[]? _rented;

    private Base64Bytes(byte[]? rented, ReadOnlyMemory<byte> memory)
    {
        _rented = rented;
        Memory = memory;
    }

    public ReadOnlyMemory<byte> Memory { get; }

    public static Base64Bytes Decode(JsonElement value, string field)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value);
        var encoded = raw[1..^1]; // the string's raw UTF-8, without its quotes
        if (encoded.IndexOf((byte)'\\') >= 0)
        {
            // JSON escapes ("\/") inside base64 are legal but rare: let the JSON reader unescape them.
            return value.TryGetBytesFromBase64(out var bytes)
                ? new Base64Bytes(null, bytes)
                : throw new InvalidEventException($"{field} is not valid base64");
        }

        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(encoded.Length), 1));
        if (System.Buffers.Text.Base64.DecodeFromUtf8(encoded, rented, out _, out var written) != OperationStatus.Done)
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw new InvalidEventException($"{field} is not valid base64");
        }

        return new Base64Bytes(rented, rented.AsMemory(0, written));
    }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }
    }
}
