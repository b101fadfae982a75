using LokiShipper.Labels;

namespace LokiShipper.Tests.Labels;

/// <summary>Expected values are what Go's strconv.Quote returns for the same input.</summary>
public class GoQuoteTests
{
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("C:\\logs", "\"C:\\\\logs\"")]
    [InlineData("a\nb\tc\rd", "\"a\\nb\\tc\\rd\"")]
    [InlineData("\a\b\f\v", "\"\\a\\b\\f\\v\"")]
    [InlineData("\u0001\u007f", "\"\\x01\\x7f\"")]
    [InlineData("héllo wörld ✓", "\"héllo wörld ✓\"")]
    [InlineData("日本語", "\"日本語\"")]
    [InlineData("emoji 🚀", "\"emoji 🚀\"")]
    [InlineData("nbsp\u00a0zwsp\u200b", "\"nbsp\\u00a0zwsp\\u200b\"")]
    [InlineData("bidi\u202e", "\"bidi\\u202e\"")]
    public void Quotes_like_go_strconv_quote(string value, string expected)
    {
        Assert.Equal(expected, GoQuote.Quote(value));
    }

    [Fact]
    public void A_lone_surrogate_becomes_the_replacement_character_as_in_go()
    {
        Assert.Equal("\"lone\uFFFD\"", GoQuote.Quote("lone" + '\ud800'));
    }
}
