using System.Text;
using System.Text.Json;
using LokiShipper.Pipeline;
using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

public class CloudTrailRecordsTests
{
    [Fact]
    public void Three_records_read_seven_bytes_at_a_time_come_out_whole_as_written_with_their_event_time()
    {
        var file = File.ReadAllBytes(S3Samples.PathOf("cloudtrail-ec2.json"));

        var records = CloudTrailRecords.Read(new TrickleStream(file, bytesPerRead: 7))
            .Select(record => (record.Index, Json: Encoding.UTF8.GetString(record.Json.Span), record.TimestampNs))
            .ToList();

        Assert.Equal(
            [
                (0, RawRecords(file)[0], 1394140974000000000L),
                (1, RawRecords(file)[1], 1394139719000000000L),
                (2, RawRecords(file)[2], 1394125834000000000L),
            ],
            records);
        Assert.Contains(@"""keyMaterial"": ""\u003csensitiveDataRemoved\u003e""", records[2].Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_async_reader_gives_the_same_records()
    {
        var file = File.ReadAllBytes(S3Samples.PathOf("cloudtrail-ec2.json"));
        var records = new List<(int, string, long)>();

        await foreach (var record in CloudTrailRecords.ReadAsync(new TrickleStream(file, bytesPerRead: 7)))
        {
            records.Add((record.Index, Encoding.UTF8.GetString(record.Json.Span), record.TimestampNs));
        }

        Assert.Equal(
            [
                (0, RawRecords(file)[0], 1394140974000000000L),
                (1, RawRecords(file)[1], 1394139719000000000L),
                (2, RawRecords(file)[2], 1394125834000000000L),
            ],
            records);
    }

    [Fact]
    public void Records_of_a_delivered_log_file_take_their_event_time()
    {
        using var file = File.OpenRead(S3Samples.PathOf("cloudtrail.json"));
        Assert.Equal(
            [1684482270000000000L, 1684482274000000000L],
            CloudTrailRecords.Read(file).Select(record => record.TimestampNs).ToList());
    }

    [Fact]
    public void The_buffer_grows_to_the_largest_record_not_to_the_file()
    {
        // The three documented records 300 times over: a file of about 750 KB whose largest record is under 1 KB.
        var raw = RawRecords(File.ReadAllBytes(S3Samples.PathOf("cloudtrail-ec2.json")));
        var big = Encoding.UTF8.GetBytes("{\"Records\":[" + string.Join(",", Enumerable.Repeat(raw, 300).SelectMany(r => r)) + "]}");
        var records = new CloudTrailRecords(new TrickleStream(big, bytesPerRead: 4096), initialBufferSize: 256);

        var count = 0;
        while (records.TryReadNext(out _))
        {
            count++;
        }

        Assert.Equal(900, count);
        Assert.True(records.BufferSize <= 8192, $"buffer grew to {records.BufferSize} bytes for a {big.Length}-byte file");
    }

    [Fact]
    public void A_record_without_event_time_has_no_timestamp()
    {
        var record = Assert.Single(CloudTrailRecords.Read(Stream("""{"Records":[{"eventName":"StartInstances"}]}""")));
        Assert.Equal((0L, false), (record.TimestampNs, record.HasTimestamp));
    }

    [Fact]
    public void Other_properties_and_a_byte_order_mark_are_passed_over()
    {
        var records = CloudTrailRecords.Read(Stream("\uFEFF{\"Version\":{\"a\":[1,2]},\"Records\":[{\"eventTime\":\"2014-03-06T21:22:54Z\"}],\"After\":1}", bytesPerRead: 3));
        Assert.Equal([1394140974000000000L], records.Select(record => record.TimestampNs).ToList());
    }

    [Fact]
    public void An_empty_records_array_has_no_records()
    {
        Assert.Empty(CloudTrailRecords.Read(Stream("""{"Records":[]}""")));
    }

    [Fact]
    public void A_malformed_record_is_named_by_its_index_after_the_records_before_it()
    {
        var read = new List<long>();
        var error = Assert.Throws<InvalidEventException>(() =>
        {
            foreach (var record in CloudTrailRecords.Read(Stream("""{"Records":[{"eventTime":"2014-03-06T21:22:54Z"},{"eventTime": oops}]}""")))
            {
                read.Add(record.TimestampNs);
            }
        });

        Assert.Equal([1394140974000000000L], read);
        Assert.StartsWith("The CloudTrail object has Records[1] that is not valid JSON: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Records":[{"a":1},{"b":""", "The CloudTrail object ends inside Records[1]")]
    [InlineData("""{"Records":[{"a":1},2]}""", "The CloudTrail object has Records[1] that is not a JSON object")]
    [InlineData("""[{"eventTime":"2014-03-06T21:22:54Z"}]""", "The CloudTrail object is not a CloudTrail log file: it does not start with {\"Records\":[")]
    [InlineData("""{"records":[]}""", "The CloudTrail object is not a CloudTrail log file: it has no Records array")]
    [InlineData("""{"Records":{}}""", "The CloudTrail object is not a CloudTrail log file: its Records is not an array")]
    [InlineData("", "The CloudTrail object ends before its Records array")]
    public void Objects_that_are_not_cloudtrail_log_files_are_refused_with_what_is_wrong(string content, string message)
    {
        var error = Assert.Throws<InvalidEventException>(() => CloudTrailRecords.Read(Stream(content)).ToList());
        Assert.Equal(message, error.Message);
    }

    private static TrickleStream Stream(string content, int bytesPerRead = 7) => new(Encoding.UTF8.GetBytes(content), bytesPerRead);

    // Each record's text as the file has it, found by an independent reader.
    private static string[] RawRecords(byte[] file)
    {
        using var document = JsonDocument.Parse(file);
        return document.RootElement.GetProperty("Records").EnumerateArray().Select(record => record.GetRawText()).ToArray();
    }
}
