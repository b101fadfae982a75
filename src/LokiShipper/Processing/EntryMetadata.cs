using LokiShipper.Loki;

namespace LokiShipper.Processing;

/// <summary>
/// The structured metadata of a record's entries: the record's own pairs plus each line's fields (level, request id,
/// FireLens fields). Consecutive lines with the same fields share one <see cref="StructuredMetadata"/>: the lines of
/// one request, or of one container, cost no allocation after the first.
/// </summary>
internal sealed class EntryMetadata
{
    private readonly IReadOnlyList<KeyValuePair<string, string>> _record;
    private readonly StructuredMetadata _recordOnly;
    private readonly List<(string Name, byte[] Value)> _last = [];
    private StructuredMetadata? _lastMetadata;

    public EntryMetadata(IReadOnlyList<KeyValuePair<string, string>> record)
    {
        _record = record ?? throw new ArgumentNullException(nameof(record));
        _recordOnly = record.Count == 0 ? StructuredMetadata.Empty : new StructuredMetadata(record);
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

        if (_lastMetadata is not null && SameAsLast(fields, present))
        {
            return _lastMetadata;
        }

        _last.Clear();
        var pairs = new List<KeyValuePair<string, string>>(_record.Count + present);
        pairs.AddRange(_record);
        foreach (var (name, value) in fields)
        {
            if (!value.IsEmpty)
            {
                _last.Add((name, value.ToArray()));
                pairs.Add(new(name, System.Text.Encoding.UTF8.GetString(value.Span)));
            }
        }

        _lastMetadata = new StructuredMetadata(pairs);
        return _lastMetadata;
    }

    private bool SameAsLast(ReadOnlySpan<(string Name, ReadOnlyMemory<byte> Value)> fields, int present)
    {
        if (present != _last.Count)
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

            var (lastName, lastValue) = _last[i++];
            if (!ReferenceEquals(name, lastName) || !value.Span.SequenceEqual(lastValue))
            {
                return false;
            }
        }

        return true;
    }
}
