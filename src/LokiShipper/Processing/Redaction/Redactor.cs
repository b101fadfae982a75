using System.Text.RegularExpressions;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// Takes secrets and personal data out of lines before they reach Loki: JSON masking first (it needs the values
/// whole), then the built-in rules, then the users' patterns (they see what the rules left). Holds no mutable state:
/// scratch space is on the stack or rented from the shared pools, so one instance may serve any number of threads.
/// </summary>
/// <remarks>
/// The built-in rules are hand-written scanners over the UTF-8 bytes rather than regular expressions: each starts from
/// a vectorised search for what its text must contain ('@', '.', "::", "eyJ", "://", "ecret", ...), looks only around
/// those places, and gives up on a line that has none. They run in time linear in the line (each byte is looked at a
/// bounded number of times; no backtracking), need no UTF-16 copy of the line, and a line nothing matches costs no
/// allocation.
/// </remarks>
internal sealed class Redactor
{
    /// <summary>
    /// The rules in the order they claim text: credentials before the general shapes they contain (the password in a
    /// URL before an e-mail address, the token after Bearer before a JWT, IPv6 with an IPv4 tail before IPv4).
    /// </summary>
    private static readonly RedactionRule[] Precedence =
    [
        RedactionRule.Bearer, RedactionRule.BasicAuth, RedactionRule.AwsSecretKey, RedactionRule.Jwt, RedactionRule.AwsAccessKey,
        RedactionRule.CreditCard, RedactionRule.Email, RedactionRule.Ipv6, RedactionRule.Ipv4,
    ];

    private readonly JsonKeyMasker? _json;
    private readonly RedactionRule _rules;
    private readonly PatternReplacer? _patterns;

    private Redactor(JsonKeyMasker? json, RedactionRule rules, PatternReplacer? patterns)
    {
        _json = json;
        _rules = rules;
        _patterns = patterns;
    }

    /// <summary>A redactor for <paramref name="options"/>, or null when they redact nothing.</summary>
    /// <exception cref="ArgumentException">A rule name, pattern or key that <see cref="RedactionOptionsParser"/> would have refused.</exception>
    public static Redactor? Create(RedactionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.IsOff)
        {
            return null;
        }

        var rules = RedactionRule.None;
        foreach (var name in options.Rules)
        {
            var rule = RedactionRules.FromName(name);
            rules |= rule != RedactionRule.None ? rule : throw new ArgumentException($"unknown redaction rule '{name}'", nameof(options));
        }

        var problems = new List<string>();
        var patterns = new List<(Regex, string)>();
        for (var i = 0; i < options.Patterns.Count; i++)
        {
            var (pattern, replacement) = options.Patterns[i];
            if (SafeRegex.Compile(pattern, RedactionOptionsParser.PatternSetting(i + 1), problems) is { } regex)
            {
                patterns.Add((regex, replacement));
            }
        }

        var keys = new List<MaskedKey>();
        foreach (var entry in options.MaskedJsonKeys)
        {
            keys.Add(MaskedKey.Parse(entry) ?? throw new ArgumentException($"invalid masked JSON key '{entry}'", nameof(options)));
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        return new Redactor(
            keys.Count > 0 ? new JsonKeyMasker(keys) : null,
            rules,
            patterns.Count > 0 ? new PatternReplacer(patterns) : null);
    }

    /// <summary>
    /// Returns the line with every rule applied (JSON masking first, then built-in rules, then user patterns), or the
    /// same memory, unallocated, when nothing matched.
    /// </summary>
    public ReadOnlyMemory<byte> Redact(ReadOnlyMemory<byte> utf8, out bool changed)
    {
        var line = utf8;
        changed = false;
        if (_json?.Mask(line.Span) is { } masked)
        {
            line = masked;
            changed = true;
        }

        if (_rules != RedactionRule.None && ApplyRules(line.Span) is { } redacted)
        {
            line = redacted;
            changed = true;
        }

        if (_patterns?.Replace(line.Span) is { } replaced)
        {
            line = replaced;
            changed = true;
        }

        return line;
    }

    private byte[]? ApplyRules(ReadOnlySpan<byte> line)
    {
        var hits = new HitList(stackalloc Hit[8]);
        try
        {
            foreach (var rule in Precedence)
            {
                if ((_rules & rule) != 0)
                {
                    Scan(rule, line, ref hits);
                }
            }

            return hits.Count == 0 ? null : hits.Rewrite(line);
        }
        finally
        {
            hits.Dispose();
        }
    }

    private static void Scan(RedactionRule rule, ReadOnlySpan<byte> line, ref HitList hits)
    {
        switch (rule)
        {
            case RedactionRule.Email:
                EmailScanner.Scan(line, ref hits);
                break;
            case RedactionRule.Ipv4:
                Ipv4Scanner.Scan(line, ref hits);
                break;
            case RedactionRule.Ipv6:
                Ipv6Scanner.Scan(line, ref hits);
                break;
            case RedactionRule.AwsAccessKey:
                AwsAccessKeyScanner.Scan(line, ref hits);
                break;
            case RedactionRule.AwsSecretKey:
                AwsSecretKeyScanner.Scan(line, ref hits);
                break;
            case RedactionRule.Bearer:
                BearerScanner.Scan(line, ref hits);
                break;
            case RedactionRule.BasicAuth:
                BasicAuthScanner.Scan(line, ref hits);
                break;
            case RedactionRule.Jwt:
                JwtScanner.Scan(line, ref hits);
                break;
            case RedactionRule.CreditCard:
                CreditCardScanner.Scan(line, ref hits);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, "one rule, not a set");
        }
    }
}
