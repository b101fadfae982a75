using System.Text;
using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

public class CloudFrontLineFormatTests
{
    [Fact]
    public void Version_and_fields_lines_are_skipped_and_records_take_date_and_time_in_utc()
    {
        Assert.Equal(
            [
                (LineKind.Skip, 0L),
                (LineKind.Skip, 0L),
                (LineKind.Entry, 1682493911000000000L),
                (LineKind.Entry, 1682493911000000000L),
            ],
            S3Samples.Read(S3LogFormat.CloudFront, "cloudfront.log"));
    }

    [Fact]
    public void The_fields_line_says_where_date_and_time_are()
    {
        // The sample's first record with its first two fields moved behind the third, and #Fields saying so.
        var lines = S3Samples.Lines("cloudfront.log");
        var record = Encoding.UTF8.GetString(lines[2]).Split('\t');
        var moved = string.Join('\t', [record[2], record[0], record[1], .. record[3..]]);
        var reader = LineFormats.Create(S3LogFormat.CloudFront);

        var read = S3Samples.Read(reader, [Encoding.UTF8.GetBytes("#Fields: x-edge-location date time sc-bytes"), Encoding.UTF8.GetBytes(moved)]);

        Assert.Equal([(LineKind.Skip, 0L), (LineKind.Entry, 1682493911000000000L)], read);
    }

    [Fact]
    public void Without_a_fields_line_date_and_time_are_the_first_two_fields()
    {
        var lines = S3Samples.Lines("cloudfront.log");
        Assert.Equal([(LineKind.Entry, 1682493911000000000L)], S3Samples.Read(LineFormats.Create(S3LogFormat.CloudFront), [lines[3]]));
    }

    [Fact]
    public void A_standard_logging_v2_timestamp_ms_field_is_read_in_milliseconds()
    {
        // Made up in the layout of standard logging v2 (W3C output with the timestamp(ms) field).
        var reader = LineFormats.Create(S3LogFormat.CloudFront);
        var read = S3Samples.Read(reader, [Encoding.UTF8.GetBytes("#Fields: timestamp(ms) c-ip"), Encoding.UTF8.GetBytes("1682493911123\t192.0.2.100")]);
        Assert.Equal([(LineKind.Skip, 0L), (LineKind.Entry, 1682493911123000000L)], read);
    }

    [Fact]
    public void A_standard_logging_v2_json_line_takes_its_timestamp_in_seconds()
    {
        Assert.Equal(
            (LineKind.Entry, 1682493911123000000L),
            S3Samples.ReadOne(S3LogFormat.CloudFront, """{"timestamp":"1682493911.123","DistributionId":"E2K2LNL5N3WR51","c-ip":"192.0.2.100"}"""));
    }

    [Fact]
    public void A_record_with_a_malformed_time_is_an_entry_without_timestamp()
    {
        Assert.Equal((LineKind.EntryWithoutTimestamp, 0L), S3Samples.ReadOne(S3LogFormat.CloudFront, "2023-04-26\t7:25:11\tABC11-C1"));
    }
}
