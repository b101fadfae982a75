using System.Text;

namespace LokiShipper.Labels;

/// <summary>
/// The labels of one Loki stream: pairs with non-empty values, unique names, in the order lambda-promtail sorts
/// them (ordinal order of <c>name="value"</c>), and their Prometheus-form text <c>{a="1", b="2"}</c>, which is also
/// the stream's identity.
/// </summary>
internal sealed class LabelSet : IEquatable<LabelSet>
{
    private LabelSet(IReadOnlyList<KeyValuePair<string, string>> pairs, string text)
    {
        Pairs = pairs;
        Text = text;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Pairs { get; }

    /// <summary><c>{name="value", …}</c> as Loki parses it.</summary>
    public string Text { get; }

    /// <summary>
    /// Builds a set from pairs; a later pair with the same name replaces an earlier one; empty values are left out,
    /// as Loki would drop them.
    /// </summary>
    public static LabelSet From(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            if (string.IsNullOrEmpty(value))
            {
                byName.Remove(name);
                continue;
            }

            byName[name] = value;
        }

        var formatted = new List<(string Formatted, KeyValuePair<string, string> Pair)>(byName.Count);
        var scratch = new StringBuilder();
        foreach (var pair in byName)
        {
            scratch.Clear().Append(pair.Key).Append('=');
            GoQuote.Append(scratch, pair.Value);
            formatted.Add((scratch.ToString(), pair));
        }

        formatted.Sort((a, b) => string.CompareOrdinal(a.Formatted, b.Formatted));
        var text = "{" + string.Join(", ", formatted.Select(f => f.Formatted)) + "}";
        return new LabelSet(formatted.Select(f => f.Pair).ToArray(), text);
    }

    public string? this[string name]
    {
        get
        {
            foreach (var pair in Pairs)
            {
                if (pair.Key == name)
                {
                    return pair.Value;
                }
            }

            return null;
        }
    }

    public bool Equals(LabelSet? other) => other is not null && other.Text == Text;

    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;
}
