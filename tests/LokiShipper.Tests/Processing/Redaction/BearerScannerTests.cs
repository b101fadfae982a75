using static LokiShipper.Tests.Processing.Redaction.RedactionHarness;

namespace LokiShipper.Tests.Processing.Redaction;

public class BearerScannerTests
{
    [Theory]
    [InlineData("Authorization: Bearer 2YotnFZFEjr1zCsicMWpAA", "Authorization: Bearer [REDACTED:bearer]")]
    [InlineData("""{"headers":{"authorization":"bearer gho_16C7e42F292c6912E7710c838347Ae178B4a"}}""", """{"headers":{"authorization":"bearer [REDACTED:bearer]"}}""")]
    [InlineData("AUTHORIZATION=BEARER\tmF_9.B5f-4.1JqM and more", "AUTHORIZATION=BEARER\t[REDACTED:bearer] and more")]
    [InlineData("sent Bearer abcdefghijklmnopqrstuvwxyz.", "sent Bearer [REDACTED:bearer].")]
    [InlineData("token Bearer dGVzdDp0ZXN0MTIz== expired", "token Bearer [REDACTED:bearer] expired")]
    public void The_token_after_Bearer_is_replaced(string line, string expected)
    {
        Assert.Equal(expected, Rules("bearer", line));
    }

    [Fact]
    public void A_JWT_after_Bearer_is_the_bearer_rules()
    {
        const string Jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

        Assert.Equal("Authorization: Bearer [REDACTED:bearer]", Rules("all", $"Authorization: Bearer {Jwt}"));
        Assert.Equal("Authorization: Bearer [REDACTED:jwt]", Rules("jwt", $"Authorization: Bearer {Jwt}"));
    }

    [Theory]
    [InlineData("the bearer of bad news")]
    [InlineData("Authorization: Bearer undefined")]
    [InlineData("Authorization: Bearer null")]
    [InlineData("BearerTokenProvider started; bearer:abc123456789")]
    [InlineData("Bearer [REDACTED]")]
    public void Prose_and_empty_values_are_left_alone(string line)
    {
        Assert.Equal(line, Rules("bearer", line));
    }
}
