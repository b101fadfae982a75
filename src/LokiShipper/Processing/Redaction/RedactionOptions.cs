namespace LokiShipper.Processing.Redaction;

/// <summary>
/// What is redacted from lines before they reach Loki: the built-in <paramref name="Rules"/> by name (<c>REDACT</c>),
/// the users' own regular expressions with their replacements (<c>REDACT_PATTERNS</c>), and the JSON property names
/// whose values are masked (<c>MASK_JSON_KEYS</c>).
/// </summary>
internal sealed record RedactionOptions(
    IReadOnlyList<string> Rules,
    IReadOnlyList<(string Pattern, string Replacement)> Patterns,
    IReadOnlyList<string> MaskedJsonKeys)
{
    /// <summary>Nothing redacted: lines pass untouched.</summary>
    public static RedactionOptions None { get; } = new([], [], []);

    public bool IsOff => Rules.Count == 0 && Patterns.Count == 0 && MaskedJsonKeys.Count == 0;
}
