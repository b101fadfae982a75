using System.Buffers;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// The hits found in one line, on the stack until a line has more than the caller's span holds (then in a pooled
/// array). Rules run from the most specific to the most general, and a hit overlapping one already taken is refused:
/// the password of <c>https://bob:pw@example.com</c> is <c>basic_auth</c>'s, not the start of an email address.
/// </summary>
internal ref struct HitList
{
    private Span<Hit> _hits;
    private Hit[]? _rented;

    public HitList(Span<Hit> initial)
    {
        _hits = initial;
    }

    public int Count { get; private set; }

    /// <summary>Adds the hit unless it overlaps one already taken; true when added.</summary>
    public bool TryAdd(int start, int end, RedactionRule rule, bool quoted = false)
    {
        for (var i = 0; i < Count; i++)
        {
            if (start < _hits[i].End && _hits[i].Start < end)
            {
                return false;
            }
        }

        if (Count == _hits.Length)
        {
            var bigger = ArrayPool<Hit>.Shared.Rent(Math.Max(16, _hits.Length * 2));
            _hits[..Count].CopyTo(bigger);
            if (_rented is not null)
            {
                ArrayPool<Hit>.Shared.Return(_rented);
            }

            _rented = bigger;
            _hits = bigger;
        }

        _hits[Count++] = new Hit(start, end, rule, quoted);
        return true;
    }

    /// <summary>The hits in line order (an insertion sort: lines have a handful).</summary>
    public readonly ReadOnlySpan<Hit> Sorted()
    {
        var hits = _hits[..Count];
        for (var i = 1; i < hits.Length; i++)
        {
            var hit = hits[i];
            var j = i - 1;
            while (j >= 0 && hits[j].Start > hit.Start)
            {
                hits[j + 1] = hits[j];
                j--;
            }

            hits[j + 1] = hit;
        }

        return hits;
    }

    /// <summary>
    /// A new array with each hit replaced: by its rule's text (in quotes for a bare JSON number), or by
    /// <paramref name="replacement"/> when one is given (JSON masking). Everything between hits is copied as it was.
    /// </summary>
    public readonly byte[] Rewrite(ReadOnlySpan<byte> line, ReadOnlySpan<byte> replacement = default)
    {
        var hits = Sorted();
        var length = line.Length;
        foreach (var hit in hits)
        {
            length += Text(hit, replacement).Length + (hit.Quoted ? 2 : 0) - (hit.End - hit.Start);
        }

        var result = new byte[length];
        int read = 0, written = 0;
        foreach (var hit in hits)
        {
            var kept = line[read..hit.Start];
            kept.CopyTo(result.AsSpan(written));
            written += kept.Length;
            if (hit.Quoted)
            {
                result[written++] = (byte)'"';
            }

            var text = Text(hit, replacement);
            text.CopyTo(result.AsSpan(written));
            written += text.Length;
            if (hit.Quoted)
            {
                result[written++] = (byte)'"';
            }

            read = hit.End;
        }

        line[read..].CopyTo(result.AsSpan(written));
        return result;
    }

    private static ReadOnlySpan<byte> Text(Hit hit, ReadOnlySpan<byte> replacement) =>
        replacement.IsEmpty ? RedactionRules.Replacement(hit.Rule) : replacement;

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<Hit>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
