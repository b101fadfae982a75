using System.Text;
using LokiShipper.Processing.Redaction;

namespace LokiShipper.Tests.Processing.Redaction;

/// <summary>Runs a redactor built from the three settings as the function reads them, on text.</summary>
internal static class RedactionHarness
{
    /// <summary>The line after the given built-in rules (a REDACT value).</summary>
    public static string Rules(string redact, string line) => Apply(Create(redact, null, null), line);

    public static Redactor Create(string? redact, string? patterns, string? maskJsonKeys)
    {
        var problems = new List<string>();
        var options = RedactionOptionsParser.Parse(redact, patterns, maskJsonKeys, problems);
        Assert.Empty(problems);
        return Redactor.Create(options) ?? throw new InvalidOperationException("the options redact nothing");
    }

    public static string Apply(Redactor redactor, string line)
    {
        var result = redactor.Redact(Encoding.UTF8.GetBytes(line), out var changed);
        var text = Encoding.UTF8.GetString(result.Span);
        Assert.Equal(text != line, changed);
        return text;
    }
}
