using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

public class VpcFlowLineFormatTests
{
    [Fact]
    public void The_header_is_skipped_and_records_take_start_in_epoch_seconds()
    {
        Assert.Equal(
            [
                (LineKind.Skip, 0L),
                (LineKind.Entry, 1669842701000000000L),
                (LineKind.Entry, 1669842701000000000L),
                (LineKind.Entry, 1669842715000000000L),
            ],
            S3Samples.Read(S3LogFormat.VpcFlow, "vpcflow.log"));
    }

    [Fact]
    public void A_custom_format_header_says_where_start_is()
    {
        // start is the 17th field of this format, not the 11th of the default one.
        Assert.Equal(
            [
                (LineKind.Skip, 0L),
                (LineKind.Entry, 1566848875000000000L),
                (LineKind.Entry, 1566848875000000000L),
                (LineKind.Entry, 1566848933000000000L),
            ],
            S3Samples.Read(S3LogFormat.VpcFlow, "vpcflow-custom.log"));
    }

    [Fact]
    public void Without_a_header_the_default_v2_order_is_assumed_and_nodata_and_skipdata_records_are_entries()
    {
        Assert.Equal(
            [
                (LineKind.Entry, 1418530010000000000L),
                (LineKind.Entry, 1431280876000000000L),
                (LineKind.Entry, 1431280876000000000L),
            ],
            S3Samples.Read(S3LogFormat.VpcFlow, "vpcflow-no-header.log"));
    }

    [Fact]
    public void A_custom_format_without_start_or_end_gives_entries_without_timestamp()
    {
        Assert.Equal(
            [(LineKind.Skip, 0L), (LineKind.EntryWithoutTimestamp, 0L)],
            S3Samples.Read(S3LogFormat.VpcFlow, "vpcflow-transit-gateway.log"));
    }

    [Fact]
    public void A_custom_format_with_end_but_no_start_takes_end()
    {
        var reader = LineFormats.Create(S3LogFormat.VpcFlow);
        Assert.Equal(
            [(LineKind.Skip, 0L), (LineKind.Entry, 1566848933000000000L)],
            S3Samples.Read(reader, ["interface-id end action"u8.ToArray(), "eni-1235b8ca123456789 1566848933 ACCEPT"u8.ToArray()]));
    }

    [Fact]
    public void A_header_like_line_after_the_first_record_is_not_a_header()
    {
        var reader = LineFormats.Create(S3LogFormat.VpcFlow);
        var lines = S3Samples.Lines("vpcflow.log").Append("version account-id"u8.ToArray());
        Assert.Equal((LineKind.EntryWithoutTimestamp, 0L), S3Samples.Read(reader, lines)[^1]);
    }
}
