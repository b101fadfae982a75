namespace LokiShipper.Labels;

/// <summary>The labeling slice of the configuration.</summary>
/// <param name="Scheme">Which label names streams get (<c>LABEL_SCHEME</c>).</param>
/// <param name="KeepStream">The log stream is a label (<c>KEEP_STREAM</c>); otherwise it is structured metadata.</param>
/// <param name="AwsRegion">The function's own region (<c>AWS_REGION</c>), a label in the readable scheme.</param>
/// <param name="ExtraLabels">Labels added to every stream (<c>EXTRA_LABELS</c>), names already prefixed as the scheme demands, in the order given.</param>
/// <param name="DropLabels">Labels removed from every stream (<c>DROP_LABELS</c>).</param>
internal sealed record LabelOptions(
    LabelScheme Scheme,
    bool KeepStream,
    string? AwsRegion,
    IReadOnlyList<KeyValuePair<string, string>> ExtraLabels,
    IReadOnlyList<string> DropLabels);
