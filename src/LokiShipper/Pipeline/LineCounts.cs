namespace LokiShipper.Pipeline;

/// <summary>What was done to an invocation's lines besides shipping them as entries: cut, redacted, joined, dropped.</summary>
internal sealed class LineCounts
{
    private SortedDictionary<string, int>? _dropped;

    /// <summary>Lines cut to <c>MAX_LINE_SIZE</c>.</summary>
    public int Truncated { get; set; }

    /// <summary>Lines a redaction rule changed.</summary>
    public int Redacted { get; set; }

    /// <summary>Lines joined onto the line before them (multiline): in, but not entries of their own.</summary>
    public int Joined { get; set; }

    /// <summary>Lines dropped on purpose, by reason.</summary>
    public IReadOnlyDictionary<string, int> Dropped => (IReadOnlyDictionary<string, int>?)_dropped ?? EmptyDropped;

    private static readonly SortedDictionary<string, int> EmptyDropped = new(StringComparer.Ordinal);

    /// <summary>A copy of <see cref="Dropped"/>, sorted by reason, for an outcome.</summary>
    public SortedDictionary<string, int> DroppedCopy() => new(_dropped ?? EmptyDropped, StringComparer.Ordinal);

    public void Drop(string reason, int lines)
    {
        if (lines <= 0)
        {
            return;
        }

        _dropped ??= new SortedDictionary<string, int>(StringComparer.Ordinal);
        _dropped[reason] = _dropped.GetValueOrDefault(reason) + lines;
    }
}
