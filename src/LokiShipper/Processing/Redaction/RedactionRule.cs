namespace LokiShipper.Processing.Redaction;

/// <summary>The built-in rules <c>REDACT</c> selects; a set of them is one value.</summary>
[Flags]
internal enum RedactionRule
{
    None = 0,
    Email = 1 << 0,
    Ipv4 = 1 << 1,
    Ipv6 = 1 << 2,
    AwsAccessKey = 1 << 3,
    AwsSecretKey = 1 << 4,
    Bearer = 1 << 5,
    BasicAuth = 1 << 6,
    Jwt = 1 << 7,
    CreditCard = 1 << 8,
    All = Email | Ipv4 | Ipv6 | AwsAccessKey | AwsSecretKey | Bearer | BasicAuth | Jwt | CreditCard,
}
