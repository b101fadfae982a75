using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

public class GenericLineFormatTests
{
    [Theory]
    [InlineData("""{"ts":1700000000,"msg":"seconds"}""", 1700000000000000000L)]
    [InlineData("""{"timestamp":1700000000123,"msg":"milliseconds"}""", 1700000000123000000L)]
    [InlineData("""{"time":1700000000123456,"msg":"microseconds"}""", 1700000000123456000L)]
    [InlineData("""{"timestamp":1700000000123456789,"msg":"nanoseconds"}""", 1700000000123456789L)]
    public void Json_numbers_are_epoch_seconds_milliseconds_microseconds_or_nanoseconds_by_magnitude(string line, long expected)
    {
        Assert.Equal((LineKind.Entry, expected), S3Samples.ReadOne(S3LogFormat.Generic, line));
    }

    [Theory]
    [InlineData("""{"date":1700000000.123456,"log":"fluent bit s3 output"}""", 1700000000123456000L)]
    [InlineData("""{"date":1700000000.1234567891}""", 1700000000123456789L)]
    [InlineData("""{"timestamp":1700000000123.456}""", 1700000000123456000L)]
    [InlineData("""{"ts":"1700000000.5"}""", 1700000000500000000L)]
    public void Json_fractions_are_read_digit_by_digit_to_the_nanosecond(string line, long expected)
    {
        Assert.Equal((LineKind.Entry, expected), S3Samples.ReadOne(S3LogFormat.Generic, line));
    }

    [Theory]
    [InlineData("""{"@timestamp":"2024-03-14T09:26:53.123456Z","message":"utc"}""", 1710408413123456000L)]
    [InlineData("""{"@timestamp":"2024-03-14T10:26:53.123+01:00","message":"offset"}""", 1710408413123000000L)]
    [InlineData("""{"eventTime":"2024-03-14T04:26:53-0500"}""", 1710408413000000000L)]
    [InlineData("""{"time":"2024-03-14 09:26:53.123"}""", 1710408413123000000L)]
    [InlineData("""{"time":"2024-03-14T09:26:53\u002E123Z"}""", 1710408413123000000L)]
    public void Json_strings_are_rfc_3339_or_iso_8601(string line, long expected)
    {
        Assert.Equal((LineKind.Entry, expected), S3Samples.ReadOne(S3LogFormat.Generic, line));
    }

    [Fact]
    public void The_first_field_of_the_preference_list_wins_wherever_it_is_in_the_line()
    {
        Assert.Equal(
            (LineKind.Entry, 1710408414000000000L),
            S3Samples.ReadOne(S3LogFormat.Generic, """{"eventTime":"2024-03-14T09:26:53Z","time":"2024-03-14T09:26:54Z"}"""));
    }

    [Fact]
    public void A_preferred_field_that_holds_no_timestamp_gives_way_to_the_next()
    {
        Assert.Equal(
            (LineKind.Entry, 1700000000000000000L),
            S3Samples.ReadOne(S3LogFormat.Generic, """{"timestamp":"n/a","nested":{"time":1},"ts":1700000000}"""));
    }

    [Theory]
    [InlineData("""{"level":"info","msg":"no time here"}""")]
    [InlineData("""{"ts":0}""")]
    [InlineData("""{"ts":true}""")]
    [InlineData("""{"ts":{"seconds":1700000000}}""")]
    [InlineData("""{"date":"2024-03-14"}""")]
    [InlineData("{\"msg\":\"cut")]
    public void Json_lines_without_a_timestamp_are_entries_without_timestamp(string line)
    {
        Assert.Equal((LineKind.EntryWithoutTimestamp, 0L), S3Samples.ReadOne(S3LogFormat.Generic, line));
    }

    [Theory]
    [InlineData("2024-03-14T09:26:53.123Z INFO service started", 1710408413123000000L)]
    [InlineData("2024-03-14 09:26:53.123456 INFO space instead of T, no zone means UTC", 1710408413123456000L)]
    [InlineData("2024-03-14T10:26:53.123+01:00 offset with a colon", 1710408413123000000L)]
    [InlineData("2024-03-14T04:26:53-05:00 negative offset", 1710408413000000000L)]
    [InlineData("2024-03-14 09:26:53,123 - app - INFO - python logging's comma", 1710408413123000000L)]
    [InlineData("[2024-03-14T09:26:53Z] bracketed", 1710408413000000000L)]
    [InlineData("2024-03-14T09:26:53Z", 1710408413000000000L)]
    public void Text_lines_take_the_timestamp_they_start_with(string line, long expected)
    {
        Assert.Equal((LineKind.Entry, expected), S3Samples.ReadOne(S3LogFormat.Generic, line));
    }

    [Theory]
    [InlineData("INFO service started at 2024-03-14T09:26:53Z")]
    [InlineData("2024-03-14 service started")]
    [InlineData("2024-03-14T09:26:53Zulu is not a zone")]
    [InlineData("2024-03-14T25:26:53Z hour 25")]
    [InlineData("1969-12-31T23:59:59Z before the epoch")]
    [InlineData("2262-04-12T00:00:00Z past what nanoseconds in a long can hold")]
    public void Text_lines_without_a_leading_timestamp_are_entries_without_timestamp(string line)
    {
        Assert.Equal((LineKind.EntryWithoutTimestamp, 0L), S3Samples.ReadOne(S3LogFormat.Generic, line));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\r")]
    public void Empty_lines_are_skipped(string line)
    {
        Assert.Equal((LineKind.Skip, 0L), S3Samples.ReadOne(S3LogFormat.Generic, line));
    }
}
