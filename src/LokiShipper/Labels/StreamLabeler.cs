namespace LokiShipper.Labels;

/// <summary>Computes the label set of a record's origin under the configured scheme, with the extra and dropped labels.</summary>
internal sealed class StreamLabeler
{
    private readonly LabelOptions _options;

    /// <summary>
    /// Label sets already computed, keyed by origin but compared by the labels it makes (so records of any log stream
    /// share an entry unless the stream is a label). A Kinesis event of 5,000 records from a few log groups needs a few
    /// label sets, not 5,000 (each is a list, a sort and a string). Bounded: cleared when it grows past 4,096.
    /// </summary>
    private readonly Dictionary<LogOrigin, LabelSet> _cache;
    private readonly Lock _cacheLock = new();

    public StreamLabeler(LabelOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _cache = new Dictionary<LogOrigin, LabelSet>(new SameLabels(options));
    }

    public LabelSet Labels(LogOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        lock (_cacheLock)
        {
            if (_cache.TryGetValue(origin, out var cached))
            {
                return cached;
            }
        }

        var labels = Compute(origin);
        lock (_cacheLock)
        {
            if (_cache.Count >= 4096)
            {
                _cache.Clear();
            }

            _cache[origin] = labels;
        }

        return labels;
    }

    /// <summary>The structured metadata of a record from <paramref name="origin"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata(LogOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return origin.Metadata(_options);
    }

    private LabelSet Compute(LogOrigin origin)
    {
        var pairs = new List<KeyValuePair<string, string>>(8);
        origin.AddLabels(_options, pairs);
        pairs.AddRange(_options.ExtraLabels);
        foreach (var drop in _options.DropLabels)
        {
            pairs.RemoveAll(p => p.Key == drop);
        }

        return LabelSet.From(pairs);
    }
}
