namespace LokiShipper.Processing.Redaction;

/// <summary>The bytes [<paramref name="Start"/>, <paramref name="End"/>) of a line that <paramref name="Rule"/> replaces.</summary>
internal readonly record struct Hit(int Start, int End, RedactionRule Rule);
