using System.Text.RegularExpressions;

namespace LokiShipper.Tests.Local;

/// <summary>
/// Grafana's template variables in a Loki query, found and replaced as Grafana does: the forms its template service
/// reads (<c>$name</c>, <c>${name}</c>, <c>${name:format}</c>, <c>[[name]]</c>), and the values its Loki data source
/// puts in (<c>interpolateQueryExpr</c> in public/app/plugins/datasource/loki/datasource.ts): a variable that may hold
/// several values (multi-value or "All") gets each value regex-escaped for a double-quoted string and joined with
/// <c>|</c>; "All" with a custom all value gets that value as it is; a single-value variable (a text box) gets its text
/// with only <c>'</c> escaped.
/// </summary>
internal static partial class GrafanaTemplate
{
    /// <summary>Variables Grafana defines itself, with the value the tests give each when running a query.</summary>
    public static readonly IReadOnlyDictionary<string, string> BuiltIn = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["__auto"] = "1m",
        ["__interval"] = "1m",
        ["__rate_interval"] = "4m",
        ["__range"] = "1h",
        ["__range_s"] = "3600",
        ["__range_ms"] = "3600000",
    };

    /// <summary>The names of the variables <paramref name="text"/> refers to, in order.</summary>
    public static IReadOnlyList<string> VariablesIn(string text) => Reference().Matches(text).Select(Name).ToList();

    /// <summary>
    /// <paramref name="text"/> with every variable replaced by its value in <paramref name="values"/> (already
    /// formatted, see <see cref="MultiValue"/> and <see cref="SingleValue"/>) or <see cref="BuiltIn"/>.
    /// </summary>
    public static string Interpolate(string text, IReadOnlyDictionary<string, string> values) =>
        Reference().Replace(text, m =>
        {
            var name = Name(m);
            return values.TryGetValue(name, out var value) || BuiltIn.TryGetValue(name, out value)
                ? value
                : throw new KeyNotFoundException($"no value for ${name} in: {text}");
        });

    /// <summary>The value of a multi-value (or include-All) variable with <paramref name="selected"/> selected.</summary>
    public static string MultiValue(params string[] selected) => string.Join('|', selected.Select(SpecialRegexEscape));

    /// <summary>The value of a single-value variable (a text box) holding <paramref name="text"/>.</summary>
    public static string SingleValue(string text) => RegularEscape(text);

    /// <summary>Grafana's <c>lokiRegularEscape</c>: <c>'</c> becomes <c>\\'</c>.</summary>
    private static string RegularEscape(string value) => value.Replace("'", "\\\\'", StringComparison.Ordinal);

    /// <summary>
    /// Grafana's <c>lokiSpecialRegexEscape</c>: a backslash becomes four, and each of <c>$^*{}[]+?.()|</c> gets two
    /// before it, which a double-quoted LogQL string reads back as one: <c>a.b</c> becomes <c>a\\.b</c>, the regex <c>a\.b</c>.
    /// </summary>
    private static string SpecialRegexEscape(string value) =>
        RegularEscape(RegexSpecial().Replace(value.Replace("\\", "\\\\\\\\", StringComparison.Ordinal), "\\\\$0"));

    private static string Name(Match m) =>
        m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[4].Value;

    // Grafana's variableRegex: $name | [[name(:format)]] | ${name(.fieldPath)(:format)}.
    [GeneratedRegex(@"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"[$^*{}\[\]+?.()|]")]
    private static partial Regex RegexSpecial();
}
