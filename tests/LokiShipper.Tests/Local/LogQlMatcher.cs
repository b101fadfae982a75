namespace LokiShipper.Tests.Local;

/// <summary>
/// One <c>name op value</c> of a LogQL query: a stream selector's matcher (<c>{name="value"}</c>) or a label filter
/// after a pipe (<c>| name=~"value"</c>).
/// </summary>
/// <param name="Name">The label or structured metadata name.</param>
/// <param name="Operator"><c>=</c>, <c>!=</c>, <c>=~</c> or <c>!~</c>.</param>
/// <param name="Value">The value as LogQL reads it (quotes removed, escapes undone), variables still in it.</param>
/// <param name="Quote">The quote it was written in: <c>"</c> (a Go string, escapes read) or <c>`</c> (raw).</param>
internal sealed record LogQlMatcher(string Name, string Operator, string Value, char Quote)
{
    /// <summary>Whether the value is a regular expression (<c>=~</c>, <c>!~</c>).</summary>
    public bool IsRegex => Operator is "=~" or "!~";

    public override string ToString() => $"{Name}{Operator}{Quote}{Value}{Quote}";
}
