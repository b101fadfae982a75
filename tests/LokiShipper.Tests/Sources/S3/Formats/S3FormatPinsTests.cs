using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

public class S3FormatPinsTests
{
    [Fact]
    public void Comma_separated_prefix_format_pairs_are_read_in_order()
    {
        Assert.Equal(
            [("my-bucket/alb/", S3LogFormat.Alb), ("logs/app/", S3LogFormat.Generic)],
            S3FormatPins.Parse("my-bucket/alb/=alb,logs/app/=json"));
    }

    [Fact]
    public void Spaces_around_pairs_case_dashes_underscores_and_a_trailing_comma_do_not_matter()
    {
        Assert.Equal(
            [("a/", S3LogFormat.VpcFlow), ("b/", S3LogFormat.ClassicElb), ("c/", S3LogFormat.S3Access), ("d/", S3LogFormat.Msk), ("e/", S3LogFormat.CloudTrailDigest)],
            S3FormatPins.Parse(" a/ = VPC_FLOW , b/=classic-elb, c/=s3access, d/=kafka, e/=CloudTrailDigest,"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void An_unset_or_blank_value_pins_nothing(string? value)
    {
        Assert.Empty(S3FormatPins.Parse(value));
    }

    [Theory]
    [InlineData("my-bucket/alb/", "\"my-bucket/alb/\" has no '='")]
    [InlineData("=alb", "\"=alb\" has no prefix before '='")]
    [InlineData("my-bucket/=apache", "\"my-bucket/=apache\" names no known format (\"apache\")")]
    [InlineData("a/=alb,a/=nlb", "the prefix \"a/\" is given twice")]
    public void Malformed_values_are_refused_naming_the_variable_and_the_accepted_form(string value, string problem)
    {
        var error = Assert.Throws<FormatException>(() => S3FormatPins.Parse(value));
        Assert.Equal(
            $"S3_FORMATS: {problem}; expected comma-separated prefix=format pairs, each prefix matched against bucket/key, e.g. "
            + "my-bucket/alb/=alb,logs/app/=json; formats: alb, nlb, classic_elb, vpc_flow, cloudtrail, cloudtrail_digest, cloudfront, "
            + "waf, guardduty, s3_access, msk, generic (or json, text)",
            error.Message);
    }
}
