namespace LokiShipper.Processing.Redaction;

/// <summary>
/// The bytes [<paramref name="Start"/>, <paramref name="End"/>) of a line that <paramref name="Rule"/> replaces;
/// <paramref name="Quoted"/> when they are a bare JSON number, whose replacement must be a JSON string.
/// </summary>
internal readonly record struct Hit(int Start, int End, RedactionRule Rule, bool Quoted = false);
