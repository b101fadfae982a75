using LokiShipper.Processing.Redaction;

namespace LokiShipper.Tests.Processing.Redaction;

public class PatternLiteralTests
{
    [Theory]
    [InlineData(@"customer_id=\d+", "customer_id=")]
    [InlineData(@"password=(\S+)", "password=")]
    [InlineData(@"token: \S+", "token:")]
    [InlineData("xyz+", "xyz")]
    [InlineData("abcd?e", "abc")]
    [InlineData("abcd*", "abc")]
    [InlineData("abcd{0,2}", "abc")]
    [InlineData("\"ssn\":\"[^\"]+\"", "\"ssn\":\"")]
    public void A_plain_start_is_the_text_every_match_starts_with(string pattern, string expected)
    {
        Assert.Equal(expected, PatternLiteral.RequiredPrefix(pattern));
    }

    [Theory]
    [InlineData("(?i)password=\\S+")] // options first
    [InlineData("password=\\S+|secret=\\S+")] // alternatives
    [InlineData("(customer|client)_id=\\d+")]
    [InlineData(@"\d{3}-\d{2}-\d{4}")] // an escape first
    [InlineData("[Pp]assword")] // a class first
    [InlineData("ab\\d+")] // too short to be worth a search
    [InlineData("abc?")] // the run is "ab" once the optional c is left out
    [InlineData(".password")]
    public void A_pattern_without_a_plain_start_has_no_literal(string pattern)
    {
        Assert.Null(PatternLiteral.RequiredPrefix(pattern));
    }
}
