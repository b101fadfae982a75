using System.Text;
using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

public class TimestampParserTests
{
    [Theory]
    [InlineData("1970-01-01T00:00:00.000000001Z", 1L)]
    [InlineData("2024-02-29T00:00:00Z", 1709164800000000000L)]
    [InlineData("2000-03-01T00:00:00Z", 951868800000000000L)]
    [InlineData("2016-12-31T23:59:60Z", 1483228800000000000L)]
    [InlineData("2262-04-11T23:47:16.854775807Z", long.MaxValue)]
    [InlineData("2024-03-14t09:26:53z", 1710408413000000000L)]
    [InlineData("2024-03-14T11:26:53+02", 1710408413000000000L)]
    public void Iso_8601_timestamps_are_exact_to_the_nanosecond(string text, long expected)
    {
        Assert.True(TimestampParser.TryParseIso8601Exact(Encoding.UTF8.GetBytes(text), out var unixNanos));
        Assert.Equal(expected, unixNanos);
    }

    [Theory]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2024-04-31T00:00:00Z")]
    [InlineData("2024-00-10T00:00:00Z")]
    [InlineData("2024-03-14T09:60:00Z")]
    [InlineData("2024-03-14T09:26:53+24:00")]
    [InlineData("2262-04-11T23:47:16.854775808Z")]
    [InlineData("1970-01-01T00:00:00Z")]
    [InlineData("2024-03-14T09:26")]
    [InlineData("2024-03-14")]
    public void Impossible_or_out_of_range_timestamps_are_refused(string text)
    {
        Assert.False(TimestampParser.TryParseIso8601Exact(Encoding.UTF8.GetBytes(text), out var unixNanos));
        Assert.Equal(0L, unixNanos);
    }

    [Theory]
    [InlineData(99_999_999_999UL, "Seconds")]
    [InlineData(100_000_000_000UL, "Milliseconds")]
    [InlineData(99_999_999_999_999UL, "Milliseconds")]
    [InlineData(100_000_000_000_000UL, "Microseconds")]
    [InlineData(99_999_999_999_999_999UL, "Microseconds")]
    [InlineData(100_000_000_000_000_000UL, "Nanoseconds")]
    public void The_unit_of_an_epoch_number_changes_at_ten_to_the_11_14_and_17(ulong whole, string unit)
    {
        Assert.Equal(Enum.Parse<EpochUnit>(unit), TimestampParser.UnitOf(whole));
    }

    [Theory]
    [InlineData("1693457862729", "Milliseconds", 1693457862729000000L)]
    [InlineData("1669842701", "Seconds", 1669842701000000000L)]
    [InlineData("1669842701.000000001", "Seconds", 1669842701000000001L)]
    [InlineData("9223372036", "Seconds", 9223372036000000000L)]
    public void Epoch_numbers_in_a_given_unit_are_exact(string text, string unit, long expected)
    {
        Assert.True(TimestampParser.TryParseEpoch(Encoding.UTF8.GetBytes(text), Enum.Parse<EpochUnit>(unit), out var unixNanos));
        Assert.Equal(expected, unixNanos);
    }

    [Theory]
    [InlineData("9223372037")]
    [InlineData("99999999999999999999999")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1e9")]
    [InlineData("")]
    public void Epoch_numbers_that_are_not_a_time_after_1970_are_refused(string text)
    {
        Assert.False(TimestampParser.TryParseEpoch(Encoding.UTF8.GetBytes(text), EpochUnit.Seconds, out var unixNanos));
        Assert.Equal(0L, unixNanos);
    }

    [Theory]
    [InlineData("06/Feb/2019:00:00:38 +0000", 1549411238000000000L)]
    [InlineData("06/feb/2019:00:00:38 +0100", 1549407638000000000L)]
    [InlineData("29/Feb/2024:23:59:59 -0000", 1709251199000000000L)]
    public void Common_log_format_times_honour_their_offset(string text, long expected)
    {
        Assert.True(TimestampParser.TryParseCommonLogTime(Encoding.UTF8.GetBytes(text), out var unixNanos));
        Assert.Equal(expected, unixNanos);
    }
}
