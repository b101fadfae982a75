namespace LokiShipper.Labels;

/// <summary>
/// Where a record's lines come from, as its source describes it. Each source has its own kind of origin and knows
/// which labels and structured metadata it makes under each scheme; the labeler adds what applies to every stream.
/// Origins are compared by value; the labeler caches label sets by <see cref="SameLabels"/>.
/// </summary>
internal abstract record LogOrigin
{
    /// <summary>Adds the labels of this origin under <paramref name="options"/>' scheme (before <c>EXTRA_LABELS</c> and <c>DROP_LABELS</c>).</summary>
    public abstract void AddLabels(LabelOptions options, List<KeyValuePair<string, string>> labels);

    /// <summary>Whether lines of this origin and of <paramref name="other"/> get the same labels (by default: equal origins).</summary>
    public virtual bool SameLabels(LogOrigin other, LabelOptions options) => Equals(other);

    /// <summary>A hash code that agrees with <see cref="SameLabels"/>.</summary>
    public virtual int LabelHashCode(LabelOptions options) => GetHashCode();

    /// <summary>The structured metadata every entry of the record carries (e.g. <c>log_stream</c> when it is not a label).</summary>
    public virtual IReadOnlyList<KeyValuePair<string, string>> Metadata(LabelOptions options) => [];
}
