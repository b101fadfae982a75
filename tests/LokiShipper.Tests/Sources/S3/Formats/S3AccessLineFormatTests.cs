using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

public class S3AccessLineFormatTests
{
    [Fact]
    public void Access_log_lines_take_the_bracketed_request_time()
    {
        Assert.Equal([(LineKind.Entry, 1549411238000000000L)], S3Samples.Read(S3LogFormat.S3Access, "s3access.log"));
    }

    [Fact]
    public void The_offset_in_the_brackets_is_honoured()
    {
        Assert.Equal(
            (LineKind.Entry, 1549440038000000000L),
            S3Samples.ReadOne(S3LogFormat.S3Access, "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 -0800] 192.0.2.3 - 3E57427F3EXAMPLE REST.GET.VERSIONING -"));
    }

    [Theory]
    [InlineData("79a59df9 amzn-s3-demo-bucket1 [06/Fob/2019:00:00:38 +0000] 192.0.2.3")]
    [InlineData("79a59df9 amzn-s3-demo-bucket1 [31/Feb/2019:00:00:38 +0000] 192.0.2.3")]
    [InlineData("79a59df9 amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38] 192.0.2.3")]
    [InlineData("79a59df9 amzn-s3-demo-bucket1 06/Feb/2019:00:00:38 +0000 192.0.2.3")]
    [InlineData("79a59df9 amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000")]
    public void Lines_without_a_valid_bracketed_time_are_entries_without_timestamp(string line)
    {
        Assert.Equal((LineKind.EntryWithoutTimestamp, 0L), S3Samples.ReadOne(S3LogFormat.S3Access, line));
    }
}
