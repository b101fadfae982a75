using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

public class JsonLineFormatTests
{
    [Fact]
    public void Waf_lines_take_timestamp_in_epoch_milliseconds()
    {
        Assert.Equal([(LineKind.Entry, 1693457862729000000L)], S3Samples.Read(S3LogFormat.Waf, "waf.log"));
    }

    [Fact]
    public void Guardduty_findings_take_their_top_level_updated_at()
    {
        // The second finding has a numeric createdAt nested in eksClusterDetails; only top-level fields date a finding.
        Assert.Equal(
            [(LineKind.Entry, 1669119740934000000L), (LineKind.Entry, 1669119740935000000L)],
            S3Samples.Read(S3LogFormat.GuardDuty, "guardduty.jsonl"));
    }

    [Fact]
    public void A_guardduty_finding_without_updated_at_takes_created_at()
    {
        Assert.Equal(
            (LineKind.Entry, 1669119740934000000L),
            S3Samples.ReadOne(S3LogFormat.GuardDuty, """{"schemaVersion":"2.0","createdAt":"2022-11-22T12:22:20.934Z","severity":5}"""));
    }

    [Fact]
    public void A_guardduty_offset_without_a_colon_is_honoured()
    {
        // Older exports write "+0000".
        Assert.Equal(
            (LineKind.Entry, 1509571865542000000L),
            S3Samples.ReadOne(S3LogFormat.GuardDuty, """{"updatedAt":"2017-11-01T21:31:05.542+0000"}"""));
    }

    [Fact]
    public void A_waf_line_cut_after_its_timestamp_still_has_it()
    {
        var line = S3Samples.Lines("waf.log")[0][..200];
        Assert.Equal([(LineKind.Entry, 1693457862729000000L)], S3Samples.Read(LineFormats.Create(S3LogFormat.Waf), [line]));
    }

    [Theory]
    [InlineData("{\"formatVersion\":1}")]
    [InlineData("{\"timestamp\":\"yesterday\"}")]
    [InlineData("{\"timestamp\":-1693457862729}")]
    [InlineData("{\"timestamp\":1.693457862729e12}")]
    [InlineData("{\"timestamp\":")]
    [InlineData("[1693457862729]")]
    [InlineData("not json at all")]
    [InlineData("{\"nested\":{\"timestamp\":1693457862729}}")]
    public void Waf_lines_without_a_readable_top_level_timestamp_are_entries_without_timestamp(string line)
    {
        Assert.Equal((LineKind.EntryWithoutTimestamp, 0L), S3Samples.ReadOne(S3LogFormat.Waf, line));
    }
}
