using System.Buffers;
using System.Text.RegularExpressions;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// Takes secrets and personal data out of lines before they reach Loki: JSON masking first (it needs the values
/// whole), then the built-in rules, then the users' patterns (they see what the rules left). Holds no mutable state:
/// scratch space is on the stack or rented from the shared pools, so one instance may serve any number of threads.
/// </summary>
/// <remarks>
/// The built-in rules are hand-written scanners over the UTF-8 bytes rather than regular expressions, because a
/// regex would need every line decoded to UTF-16 and searched once per rule. Two vectorised passes find every place a
/// rule may match: one multi-string search for the credential rules' words (<see cref="CredentialFinder"/>), and one
/// map of the digits, dots, colons and '@' for the others (<see cref="LineMap"/>). The scanners look only there, each
/// byte a bounded number of times (no backtracking, time linear in the line), and a line nothing matches costs no
/// allocation.
/// </remarks>
internal sealed class Redactor
{
    private readonly JsonKeyMasker? _json;
    private readonly CredentialFinder? _credentials;
    private readonly RedactionRule _shapes;
    private readonly PatternReplacer? _patterns;

    private Redactor(JsonKeyMasker? json, RedactionRule rules, PatternReplacer? patterns)
    {
        _json = json;
        _credentials = CredentialFinder.Create(rules);
        _shapes = rules & ~CredentialFinder.Rules;
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

        if ((_credentials is not null || _shapes != RedactionRule.None) && ApplyRules(line.Span) is { } redacted)
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

    /// <summary>
    /// The rules claim text in this order, a hit overlapping one already taken being refused: the credential rules
    /// first, in line order (so "Bearer eyJ…" is the bearer rule's, and the password of a URL is not an e-mail
    /// address), then credit_card, email, ipv6 (before ipv4, whose text an IPv6 address may end with) and ipv4.
    /// </summary>
    private byte[]? ApplyRules(ReadOnlySpan<byte> line)
    {
        var hits = new HitList(stackalloc Hit[8]);
        ulong[]? rented = null;
        try
        {
            _credentials?.Scan(line, ref hits);
            if (_shapes != RedactionRule.None)
            {
                var words = 4 * LineMap.WordCount(line.Length);
                rented = words > LineMap.StackWords ? ArrayPool<ulong>.Shared.Rent(words) : null;
                var map = new LineMap(line, rented ?? stackalloc ulong[words]);
                if (Has(RedactionRule.CreditCard))
                {
                    CreditCardScanner.Scan(line, map, ref hits);
                }

                if (Has(RedactionRule.Email))
                {
                    EmailScanner.Scan(line, map, ref hits);
                }

                if (Has(RedactionRule.Ipv6))
                {
                    Ipv6Scanner.Scan(line, map, ref hits);
                }

                if (Has(RedactionRule.Ipv4))
                {
                    Ipv4Scanner.Scan(line, map, ref hits);
                }
            }

            return hits.Count == 0 ? null : hits.Rewrite(line);
        }
        finally
        {
            hits.Dispose();
            if (rented is not null)
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }
    }

    private bool Has(RedactionRule rule) => (_shapes & rule) != 0;
}
