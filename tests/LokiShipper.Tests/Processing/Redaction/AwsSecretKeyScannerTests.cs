using static LokiShipper.Tests.Processing.Redaction.RedactionHarness;

namespace LokiShipper.Tests.Processing.Redaction;

public class AwsSecretKeyScannerTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    [Theory]
    [InlineData($"aws_secret_access_key={Secret}", "aws_secret_access_key=[REDACTED:aws_secret_key]")]
    [InlineData($"aws_secret_access_key = {Secret}\n", "aws_secret_access_key = [REDACTED:aws_secret_key]\n")]
    [InlineData($$"""{"AccessKeyId":"ASIAY34FZKBOKMUTVV7A","SecretAccessKey":"{{Secret}}"}""", """{"AccessKeyId":"ASIAY34FZKBOKMUTVV7A","SecretAccessKey":"[REDACTED:aws_secret_key]"}""")]
    [InlineData($$"""{"msg":"creds {\"SecretAccessKey\": \"{{Secret}}\"}"}""", """{"msg":"creds {\"SecretAccessKey\": \"[REDACTED:aws_secret_key]\"}"}""")]
    [InlineData($"AWS_SECRET_ACCESS_KEY: '{Secret}'", "AWS_SECRET_ACCESS_KEY: '[REDACTED:aws_secret_key]'")]
    [InlineData($"aws configure set --aws-secret-access-key {Secret} --profile dev", "aws configure set --aws-secret-access-key [REDACTED:aws_secret_key] --profile dev")]
    [InlineData($":secret_key=>\"{Secret}\"", ":secret_key=>\"[REDACTED:aws_secret_key]\"")]
    public void The_value_given_to_a_secret_name_is_replaced(string line, string expected)
    {
        Assert.Equal(expected, Rules("aws_secret_key", line));
    }

    [Theory]
    [InlineData($"value {Secret} with no name")]
    [InlineData("sha1=da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [InlineData($"aws_secret_access_key={Secret}X (41 characters)")]
    [InlineData("client_secret=short, secret rotation finished for 2026-11-30T10:04:31.123456789012345Z")]
    public void What_is_not_a_named_40_character_secret_is_left_alone(string line)
    {
        Assert.Equal(line, Rules("aws_secret_key", line));
    }
}
