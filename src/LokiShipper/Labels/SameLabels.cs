namespace LokiShipper.Labels;

/// <summary>Origins are equal when they make the same labels under these options (see <see cref="LogOrigin.SameLabels"/>).</summary>
internal sealed class SameLabels(LabelOptions options) : IEqualityComparer<LogOrigin>
{
    public bool Equals(LogOrigin? x, LogOrigin? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.SameLabels(y, options));

    public int GetHashCode(LogOrigin obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.LabelHashCode(options);
    }
}
