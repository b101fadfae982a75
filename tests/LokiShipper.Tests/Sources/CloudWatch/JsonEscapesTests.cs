using System.Text;
using LokiShipper.Sources.CloudWatch;

namespace LokiShipper.Tests.Sources.CloudWatch;

public class JsonEscapesTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("""a\"b\\c\/d""", "a\"b\\c/d")]
    [InlineData("""\b\f\n\r\t""", "\b\f\n\r\t")]
    [InlineData("""caf\u00e9 \u00E9""", "café é")]
    [InlineData("""\u20ac""", "€")]
    [InlineData("""\ud83d\ude00 grin""", "😀 grin")]
    [InlineData("""end\n""", "end\n")]
    public void Resolves_every_JSON_escape(string escaped, string expected)
    {
        Assert.Equal(expected, Unescape(escaped));
    }

    [Theory]
    [InlineData("""\ud800""", "\uFFFD")]
    [InlineData("""\udc00x""", "\uFFFDx")]
    [InlineData("""\ud800\u0041""", "\uFFFDA")]
    [InlineData("""\ud800\ud800\udc00""", "\uFFFD𐀀")]
    public void An_unpaired_surrogate_becomes_the_replacement_character_as_in_Go(string escaped, string expected)
    {
        Assert.Equal(expected, Unescape(escaped));
    }

    [Fact]
    public void Raw_bytes_beside_an_escape_pass_through_unchanged()
    {
        byte[] escaped = [0x41, 0xFF, (byte)'\\', (byte)'n', 0xC3];
        var destination = new byte[escaped.Length];

        var written = JsonEscapes.Unescape(escaped, destination);

        Assert.Equal(new byte[] { 0x41, 0xFF, (byte)'\n', 0xC3 }, destination[..written]);
    }

    [Theory]
    [InlineData("""\x""")]
    [InlineData("""trailing \""")]
    [InlineData("""\u12""")]
    [InlineData("""\u12g4""")]
    [InlineData("""\U0041""")]
    public void A_malformed_escape_is_refused(string escaped)
    {
        var bytes = Encoding.UTF8.GetBytes(escaped);

        Assert.Equal(-1, JsonEscapes.Unescape(bytes, new byte[bytes.Length]));
    }

    private static string Unescape(string escaped)
    {
        var bytes = Encoding.UTF8.GetBytes(escaped);
        var destination = new byte[bytes.Length]; // no more room than the escaped text: the contract
        var written = JsonEscapes.Unescape(bytes, destination);
        Assert.True(written >= 0, $"'{escaped}' was refused");
        return Encoding.UTF8.GetString(destination, 0, written);
    }
}
