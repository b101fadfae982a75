using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

public class LineFormatsTests
{
    [Fact]
    public void Cloudtrail_objects_are_not_read_line_by_line()
    {
        Assert.False(LineFormats.IsLineBased(S3LogFormat.CloudTrail));
        Assert.Throws<ArgumentException>(() => LineFormats.Create(S3LogFormat.CloudTrail));
    }

    [Fact]
    public void Every_line_of_a_cloudtrail_digest_is_skipped()
    {
        Assert.All(
            S3Samples.Read(S3LogFormat.CloudTrailDigest, "cloudtrail.json"),
            read => Assert.Equal((LineKind.Skip, 0L), read));
    }

    [Fact]
    public void Each_object_gets_its_own_reader_so_one_header_does_not_leak_into_the_next_object()
    {
        var first = LineFormats.Create(S3LogFormat.VpcFlow);
        S3Samples.Read(first, S3Samples.Lines("vpcflow-custom.log"));
        var second = LineFormats.Create(S3LogFormat.VpcFlow);

        Assert.NotSame(first, second);
        Assert.Equal(
            [(LineKind.Entry, 1418530010000000000L), (LineKind.Entry, 1431280876000000000L), (LineKind.Entry, 1431280876000000000L)],
            S3Samples.Read(second, S3Samples.Lines("vpcflow-no-header.log")));
    }

    [Fact]
    public void No_format_throws_on_arbitrary_bytes()
    {
        // Bytes that steer the readers into their branches: JSON openers, brackets, digits, dates, separators, invalid UTF-8.
        byte[][] pieces =
        [
            "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "\""u8.ToArray(), ":"u8.ToArray(), ","u8.ToArray(),
            "#Fields: date time"u8.ToArray(), "version start"u8.ToArray(), "2024-03-14T09:26:53.123456789Z"u8.ToArray(),
            "06/Feb/2019:00:00:38 +0000"u8.ToArray(), "\t"u8.ToArray(), " "u8.ToArray(), "-"u8.ToArray(), "\\u00"u8.ToArray(),
            "1700000000.123"u8.ToArray(), "99999999999999999999"u8.ToArray(), "\"timestamp\":"u8.ToArray(), [0xFF, 0xFE, 0x00, 0xC3],
        ];
        var random = new Random(20240314);
        var formats = Enum.GetValues<S3LogFormat>().Where(LineFormats.IsLineBased).ToArray();

        foreach (var format in formats)
        {
            var reader = LineFormats.Create(format);
            for (var i = 0; i < 2_000; i++)
            {
                var line = Enumerable.Range(0, random.Next(0, 12)).SelectMany(_ => pieces[random.Next(pieces.Length)]).ToArray();
                var kind = reader.Read(line, out var timestamp);
                Assert.True(kind == LineKind.Entry ? timestamp > 0 : timestamp == 0, $"{format}: {kind} with {timestamp}");
            }
        }
    }
}
