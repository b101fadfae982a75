using static LokiShipper.Tests.Processing.Redaction.RedactionHarness;

namespace LokiShipper.Tests.Processing.Redaction;

public class AwsAccessKeyScannerTests
{
    [Theory]
    [InlineData("aws_access_key_id=AKIAIOSFODNN7EXAMPLE", "aws_access_key_id=[REDACTED:aws_access_key]")]
    [InlineData("""{"AccessKeyId":"ASIAY34FZKBOKMUTVV7A","Expiration":"2026-11-30T11:04:31Z"}""", """{"AccessKeyId":"[REDACTED:aws_access_key]","Expiration":"2026-11-30T11:04:31Z"}""")]
    [InlineData("keys ABIAY34FZKBOKMUTVV7A, ACCAY34FZKBOKMUTVV7A and A3T9Y34FZKBOKMUTVV7A", "keys [REDACTED:aws_access_key], [REDACTED:aws_access_key] and [REDACTED:aws_access_key]")]
    public void An_access_key_id_is_replaced(string line, string expected)
    {
        Assert.Equal(expected, Rules("aws_access_key", line));
    }

    [Theory]
    [InlineData("""{"principalId":"AROAY34FZKBOKMUTVV7AB:bob","userName":"AIDAY34FZKBOKMUTVV7AB"}""")]
    [InlineData("one character too many: AKIAIOSFODNN7EXAMPLEX, too few: AKIAIOSFODNN7EXAMPL")]
    [InlineData("lower case akiaiosfodnn7example, inside a word xAKIAIOSFODNN7EXAMPLE or AKIAIOSFODNN7EXAMPLE_1")]
    [InlineData("AKIA is a prefix, AKIA-IOSFODNN7EXAMPLE is not an id")]
    public void What_is_not_an_access_key_id_is_left_alone(string line)
    {
        Assert.Equal(line, Rules("aws_access_key", line));
    }
}
