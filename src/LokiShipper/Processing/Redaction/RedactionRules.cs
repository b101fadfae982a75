namespace LokiShipper.Processing.Redaction;

/// <summary>The names <c>REDACT</c> accepts and the text each rule puts in place of what it matches.</summary>
internal static class RedactionRules
{
    /// <summary>Every rule, in the order the documentation lists them; <c>all</c> selects them all.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["email", "ipv4", "ipv6", "aws_access_key", "aws_secret_key", "bearer", "basic_auth", "jwt", "credit_card"];

    public const string AllName = "all";

    /// <summary>The rule a lower-case name stands for, or <see cref="RedactionRule.None"/> for an unknown name.</summary>
    public static RedactionRule FromName(string name) => name switch
    {
        "email" => RedactionRule.Email,
        "ipv4" => RedactionRule.Ipv4,
        "ipv6" => RedactionRule.Ipv6,
        "aws_access_key" => RedactionRule.AwsAccessKey,
        "aws_secret_key" => RedactionRule.AwsSecretKey,
        "bearer" => RedactionRule.Bearer,
        "basic_auth" => RedactionRule.BasicAuth,
        "jwt" => RedactionRule.Jwt,
        "credit_card" => RedactionRule.CreditCard,
        AllName => RedactionRule.All,
        _ => RedactionRule.None,
    };

    /// <summary><c>[REDACTED:name]</c>: says which rule took the text out, so a reader knows what stood there.</summary>
    public static ReadOnlySpan<byte> Replacement(RedactionRule rule) => rule switch
    {
        RedactionRule.Email => "[REDACTED:email]"u8,
        RedactionRule.Ipv4 => "[REDACTED:ipv4]"u8,
        RedactionRule.Ipv6 => "[REDACTED:ipv6]"u8,
        RedactionRule.AwsAccessKey => "[REDACTED:aws_access_key]"u8,
        RedactionRule.AwsSecretKey => "[REDACTED:aws_secret_key]"u8,
        RedactionRule.Bearer => "[REDACTED:bearer]"u8,
        RedactionRule.BasicAuth => "[REDACTED:basic_auth]"u8,
        RedactionRule.Jwt => "[REDACTED:jwt]"u8,
        RedactionRule.CreditCard => "[REDACTED:credit_card]"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "one rule, not a set"),
    };
}
