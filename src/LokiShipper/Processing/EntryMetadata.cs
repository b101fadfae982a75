using LokiShipper.Loki;

namespace LokiShipper.Processing;

/// <summary>
/// The structured metadata of a record's entries: the record's own pairs plus each line's fields (level, request id,
/// FireLens fields). The last few field sets seen are remembered, so the lines of one request (its levels come and go)
/// or of one container share their <see cref="StructuredMetadata"/>: building one for every line cost 0.7 KB a line
/// (docs/performance.md). Reused from record to record (<see cref="Begin"/>): a Kinesis event holds thousands.
/// </summary>
internal sealed class EntryMetadata
{
    /// <summary>A request writes a few levels, interleaved; a Kinesis record holds one stream.</summary>
    private const int Remembered = 8;

    private IReadOnlyList<KeyValuePair<string, string>> _record = [];
    private StructuredMetadata _recordOnly = StructuredMetadata.Empty;
    private readonly (string Name, byte[] Value)[]?[] _keys = new (string Name, byte[] Value)[]?[Remembered];
    private readonly StructuredMetadata?[] _values = new StructuredMetadata?[Remembered];
    private int _next;

    /// <summary>Starts a record whose entries all carry <paramref name="record"/>; what was remembered of the last one is forgotten.</summary>
    public void Begin(IReadOnlyList<KeyValuePair<string, string>> record)
    {
        _record = record ?? throw new ArgumentNullException(nameof(record));
        _recordOnly = record.Count == 0 ? StructuredMetadata.Empty : new StructuredMetadata(record);
        Array.Clear(_keys);
        Array.Clear(_values);
        _next = 0;
    }

    /// <summary>The metadata for a line with <paramref name="fields"/> (names with UTF-8 values; empty values are left out).</summary>
    public StructuredMetadata For(ReadOnlySpan<(string Name, ReadOnlyMemory<byte> Value)> fields)
    {
        var present = 0;
        foreach (var field in fields)
        {
            present += field.Value.IsEmpty ? 0 : 1;
        }

        if (present == 0)
        {
            return _recordOnly;
        }

        for (var i = 0; i < Remembered; i++)
        {
            if (_keys[i] is { } key && Same(key, fields, present))
            {
                return _values[i]!;
            }
        }

        var stored = new (string Name, byte[] Value)[present];
        var pairs = new List<KeyValuePair<string, string>>(_record.Count + present);
        pairs.AddRange(_record);
        var n = 0;
        foreach (var (name, value) in fields)
        {
            if (!value.IsEmpty)
            {
                stored[n++] = (name, value.ToArray());
                pairs.Add(new(name, System.Text.Encoding.UTF8.GetString(value.Span)));
            }
        }

        var metadata = new StructuredMetadata(pairs);
        _keys[_next] = stored;
        _values[_next] = metadata;
        _next = (_next + 1) % Remembered;
        return metadata;
    }

    private static bool Same((string Name, byte[] Value)[] key, ReadOnlySpan<(string Name, ReadOnlyMemory<byte> Value)> fields, int present)
    {
        if (key.Length != present)
        {
            return false;
        }

        var i = 0;
        foreach (var (name, value) in fields)
        {
            if (value.IsEmpty)
            {
                continue;
            }

            var (keyName, keyValue) = key[i++];
            if (!ReferenceEquals(name, keyName) || !value.Span.SequenceEqual(keyValue))
            {
                return false;
            }
        }

        return true;
    }
}
