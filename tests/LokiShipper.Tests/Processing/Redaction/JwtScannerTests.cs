using static LokiShipper.Tests.Processing.Redaction.RedactionHarness;

namespace LokiShipper.Tests.Processing.Redaction;

public class JwtScannerTests
{
    private const string Jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    [Theory]
    [InlineData($"GET /callback?id_token={Jwt}&state=af0ifjsldkj", "GET /callback?id_token=[REDACTED:jwt]&state=af0ifjsldkj")]
    [InlineData($$"""{"session":"{{Jwt}}","user":"u-1"}""", """{"session":"[REDACTED:jwt]","user":"u-1"}""")]
    [InlineData("unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. accepted", "unsigned [REDACTED:jwt] accepted")]
    [InlineData($$"""{"msg":"tokens:\n{{Jwt}}"}""", """{"msg":"tokens:\n[REDACTED:jwt]"}""")]
    public void A_token_is_replaced_whole(string line, string expected)
    {
        Assert.Equal(expected, Rules("jwt", line));
    }

    [Theory]
    [InlineData("header alone eyJhbGciOiJIUzI1NiJ9 and eyJhbGciOiJIUzI1NiJ9.e30.sig (payload not an object)")]
    [InlineData($"inside a word x{Jwt}")]
    public void What_is_not_a_token_is_left_alone(string line)
    {
        Assert.Equal(line, Rules("jwt", line));
    }
}
