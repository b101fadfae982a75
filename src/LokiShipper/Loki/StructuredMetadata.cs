using System.Text;

namespace LokiShipper.Loki;

/// <summary>Structured metadata shared by all entries of one record (e.g. <c>log_stream</c>), with its size in bytes.</summary>
internal sealed class StructuredMetadata
{
    public static readonly StructuredMetadata Empty = new([]);

    public StructuredMetadata(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        Pairs = pairs ?? throw new ArgumentNullException(nameof(pairs));
        foreach (var (name, value) in pairs)
        {
            SizeBytes += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        }
    }

    public IReadOnlyList<KeyValuePair<string, string>> Pairs { get; }

    /// <summary>UTF-8 bytes of all names and values.</summary>
    public int SizeBytes { get; }

    public bool IsEmpty => Pairs.Count == 0;
}
