using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

public class ElbLineFormatTests
{
    [Fact]
    public void Alb_lines_take_the_time_field_with_microseconds()
    {
        Assert.Equal(
            [(LineKind.Entry, 1670348536176563000L), (LineKind.Entry, 1670348539086095000L)],
            S3Samples.Read(S3LogFormat.Alb, "alb.log"));
    }

    [Fact]
    public void Alb_documentation_example_takes_its_time_not_the_request_creation_time()
    {
        // The line also holds request_creation_time (2018-07-02T22:22:48.364000Z) further on; time is the second field.
        Assert.Equal([(LineKind.Entry, 1530570180186641000L)], S3Samples.Read(S3LogFormat.Alb, "alb-docs.log"));
    }

    [Fact]
    public void Nlb_lines_take_the_third_field_and_read_it_without_a_zone_as_utc()
    {
        Assert.Equal(
            [(LineKind.Entry, 1545274780000000000L), (LineKind.Entry, 1585731102000000000L)],
            S3Samples.Read(S3LogFormat.Nlb, "nlb.log"));
    }

    [Fact]
    public void Classic_elb_lines_take_the_first_field()
    {
        Assert.Equal(
            [(LineKind.Entry, 1431560383945958000L), (LineKind.Entry, 1431560383945958000L)],
            S3Samples.Read(S3LogFormat.ClassicElb, "classic-elb.log"));
    }

    [Fact]
    public void Alb_connection_log_lines_take_the_time_they_start_with()
    {
        // Connection logs (conn_log.*) lead with the time; this line is made up in their layout.
        Assert.Equal(
            (LineKind.Entry, 1710408413123456000L),
            S3Samples.ReadOne(S3LogFormat.Alb, "2024-03-14T09:26:53.123456Z 192.0.2.1 45678 443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 4 - - - Success - - TID_1234"));
    }

    [Theory]
    [InlineData("http not-a-time app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817")]
    [InlineData("http 2018-13-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188")]
    [InlineData("http")]
    [InlineData("\u0000\u00ff garbage")]
    public void Alb_lines_whose_time_does_not_parse_are_entries_without_timestamp(string line)
    {
        Assert.Equal((LineKind.EntryWithoutTimestamp, 0L), S3Samples.ReadOne(S3LogFormat.Alb, line));
    }

    [Fact]
    public void Empty_lines_are_skipped()
    {
        Assert.Equal((LineKind.Skip, 0L), S3Samples.ReadOne(S3LogFormat.Alb, " \r"));
    }
}
