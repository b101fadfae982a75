using System.Text.RegularExpressions;
using LokiShipper.Processing.Multiline;
using LokiShipper.Processing.Redaction;

namespace LokiShipper.Processing;

/// <summary>What is done to lines between decoding and batching (all off: lines ship as read).</summary>
/// <param name="Include"><c>INCLUDE_PATTERN</c>: only matching lines ship.</param>
/// <param name="Exclude"><c>EXCLUDE_PATTERN</c>: matching lines never ship (wins over include).</param>
/// <param name="LambdaMetadata"><c>LAMBDA_METADATA</c>: <c>level</c> and <c>request_id</c> of Lambda lines as structured metadata.</param>
/// <param name="DropPlatformLines"><c>LAMBDA_PLATFORM_LINES=drop</c>: START, END, REPORT and <c>platform.*</c> lines are dropped.</param>
/// <param name="FireLensUnwrap"><c>FIRELENS_UNWRAP</c>: FireLens records ship their <c>log</c> with the rest as metadata.</param>
/// <param name="MaxLineSize"><c>MAX_LINE_SIZE</c>: longest line in UTF-8 bytes; 0 = no limit.</param>
/// <param name="Multiline"><c>MULTILINE</c>, <c>MULTILINE_MAX_LINES</c>: continuation lines joined onto the line they continue.</param>
/// <param name="Redaction"><c>REDACT</c>, <c>REDACT_PATTERNS</c>, <c>MASK_JSON_KEYS</c>: what is replaced before a line leaves the function.</param>
internal sealed record ProcessingOptions(
    Regex? Include,
    Regex? Exclude,
    bool LambdaMetadata,
    bool DropPlatformLines,
    bool FireLensUnwrap,
    int MaxLineSize,
    MultilineOptions Multiline,
    RedactionOptions Redaction)
{
    public static ProcessingOptions Off { get; } = new(null, null, false, false, false, 0, MultilineOptions.Off, RedactionOptions.None);

    /// <summary>Nothing to do: the mapper's direct path ships lines as read.</summary>
    public bool IsOff =>
        Include is null && Exclude is null && !LambdaMetadata && !DropPlatformLines && !FireLensUnwrap
        && Multiline.Mode == MultilineMode.Off && Redaction.IsOff;
}
