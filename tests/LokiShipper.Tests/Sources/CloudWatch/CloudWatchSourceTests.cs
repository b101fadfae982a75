using System.IO.Compression;
using System.Text;
using LokiShipper.Cli;
using LokiShipper.Pipeline;
using LokiShipper.Sources.CloudWatch;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Sources.CloudWatch;

public class CloudWatchSourceTests
{
    private const long MaxDecompressedBytes = 64L * 1024 * 1024;

    [Fact]
    public void Decodes_a_real_gzip_base64_subscription_event()
    {
        var payload = TestEvents.CloudWatch("/aws/lambda/checkout", "2026/11/22/[$LATEST]abc", (1_795_000_000_123, "hello"), (1_795_000_000_124, "  two\twords \n"));

        var record = TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: payload);

        Assert.Equal("DATA_MESSAGE", record.MessageType);
        Assert.Equal(TestEvents.Owner, record.Owner);
        Assert.Equal("/aws/lambda/checkout", record.LogGroup);
        Assert.Equal("2026/11/22/[$LATEST]abc", record.LogStream);
        Assert.Equal(2, record.LogEvents.Count);
        Assert.Equal(1_795_000_000_123_000_000, record.LogEvents[0].TimestampNs);
        Assert.Equal("hello", record.LogEvents[0].Text);
        Assert.Equal("  two\twords \n", record.LogEvents[1].Text);
    }

    [Fact]
    public void Decodes_the_sample_event_shipped_in_events()
    {
        var record = TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: File.ReadAllBytes(TestEvents.SamplePath("cloudwatch-logs.json")));

        Assert.Equal("/aws/lambda/checkout-api", record.LogGroup);
        Assert.Equal(4, record.LogEvents.Count);
    }

    [Fact]
    public void A_control_message_has_no_events()
    {
        var record = TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: TestEvents.FromRecordJson("""
            {"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],
             "logEvents":[{"id":"","timestamp":1795000000000,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}
            """));

        Assert.True(record.IsControlMessage);
        Assert.Equal(0, record.LogEvents.Count);
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var record = TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: TestEvents.FromRecordJson("""
            {"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"g","logStream":"s","policyLevel":"ACCOUNT_LEVEL_POLICY",
             "subscriptionFilters":["f"],"extra":{"nested":[1,2,3]},
             "logEvents":[{"id":"1","timestamp":5,"message":"m","extractedFields":{"a":"b"}}]}
            """));

        Assert.Equal("m", Assert.Single(record.LogEvents).Text);
    }

    [Fact]
    public void Bad_base64_names_the_field()
    {
        var ex = Assert.Throws<InvalidEventException>(() => TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: Encoding.UTF8.GetBytes("""{"awslogs":{"data":"not*base64!"}}""")));

        Assert.Equal("awslogs.data is not valid base64", ex.Message);
    }

    [Fact]
    public void Data_that_is_not_gzip_is_refused()
    {
        var payload = SubscriptionEventWriter.WrapData(Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"plain\":\"json\"}")));

        var ex = Assert.Throws<InvalidEventException>(() => TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: payload));

        Assert.Equal("awslogs.data is not gzip data (it does not start with the gzip magic bytes 1f 8b)", ex.Message);
    }

    [Fact]
    public void Truncated_gzip_is_refused()
    {
        var gzip = SubscriptionEventWriter.Gzip(Encoding.UTF8.GetBytes(new string('x', 5000) + "{}"));
        var truncated = gzip[..(gzip.Length / 2)];

        var ex = Assert.Throws<InvalidEventException>(() => TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: SubscriptionEventWriter.WrapData(Convert.ToBase64String(truncated))));

        Assert.StartsWith("awslogs.data is truncated or corrupt gzip", ex.Message);
    }

    [Fact]
    public void Corrupt_deflate_data_is_refused()
    {
        var gzip = SubscriptionEventWriter.Gzip(Encoding.UTF8.GetBytes("""{"messageType":"DATA_MESSAGE"}"""));
        for (var i = 10; i < gzip.Length - 8; i++)
        {
            gzip[i] = 0xff;
        }

        var ex = Assert.Throws<InvalidEventException>(() => TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: SubscriptionEventWriter.WrapData(Convert.ToBase64String(gzip))));

        Assert.StartsWith("awslogs.data is", ex.Message);
        Assert.Contains("gzip", ex.Message);
    }

    [Fact]
    public void Gzipped_text_that_is_not_json_names_the_field_and_position()
    {
        var ex = Assert.Throws<InvalidEventException>(() => TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: TestEvents.FromRecordJson("this is not json")));

        Assert.StartsWith("awslogs.data does not hold valid subscription JSON:", ex.Message);
        Assert.Contains("LineNumber: 0", ex.Message);
    }

    [Fact]
    public void Json_of_the_wrong_shape_names_the_path()
    {
        var ex = Assert.Throws<InvalidEventException>(() => TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: TestEvents.FromRecordJson("""
            {"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","logEvents":[{"id":"1","timestamp":"yesterday","message":"m"}]}
            """)));

        Assert.Contains("$.logEvents[0].timestamp", ex.Message);
    }

    [Fact]
    public void Missing_log_events_is_refused()
    {
        var ex = Assert.Throws<InvalidEventException>(() => TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: TestEvents.FromRecordJson("""
            {"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s"}
            """)));

        Assert.Equal("awslogs.data: logEvents is missing in a DATA_MESSAGE", ex.Message);
    }

    [Theory]
    [InlineData("""{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","logEvents":[{"id":"1","timestamp":1,"message":"a"},{"id":"2","message":"b"}]}""", "awslogs.data: logEvents[1].timestamp is missing")]
    [InlineData("""{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","logEvents":[{"id":"1","timestamp":1}]}""", "awslogs.data: logEvents[0].message is missing")]
    [InlineData("""{"messageType":"DATA_MESSAGE","owner":"1","logStream":"s","logEvents":[]}""", "awslogs.data: logGroup is missing or empty")]
    [InlineData("""{"owner":"1","logGroup":"g","logStream":"s","logEvents":[]}""", "awslogs.data: messageType is missing")]
    [InlineData("""{"messageType":"PING","owner":"1","logGroup":"g","logStream":"s","logEvents":[]}""", "awslogs.data: messageType 'PING' is neither DATA_MESSAGE nor CONTROL_MESSAGE")]
    [InlineData("null", "awslogs.data holds JSON null instead of a subscription record")]
    [InlineData("""{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","logEvents":[{"id":"1","timestamp":1795000000000000,"message":"a"}]}""", "awslogs.data: logEvents[0].timestamp 1795000000000000 is not milliseconds between the years 1678 and 2262")]
    public void Each_missing_field_is_named(string recordJson, string expected)
    {
        var ex = Assert.Throws<InvalidEventException>(() => TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: TestEvents.FromRecordJson(recordJson)));

        Assert.Equal(expected, ex.Message);
    }

    [Theory]
    [InlineData("""{"Records":[{"eventSource":"aws:s3"}]}""", "Records[0].eventName is missing or not a string")]
    [InlineData("""{"detail-type":"Scheduled Event"}""", "unsupported event shape: expected an S3 event notification (directly, through SNS or through EventBridge) or a Lambda failure record of one, or the rest of an object; or a CloudWatch Logs subscription event {\"awslogs\":{\"data\":\"…\"}} or a Lambda failure record of one; or an SQS event of such events; or a Kinesis event of CloudWatch Logs subscription records; got an object with keys [detail-type]")]
    [InlineData("""{"Records":[{"eventSource":"aws:kinesis","kinesis":{"data":"e30="}}]}""", "Records[0]: kinesis.sequenceNumber is missing or not a string")]
    [InlineData("""[1,2]""", "the event is a JSON array, not an object; expected an S3 event notification (directly, through SNS or through EventBridge) or a Lambda failure record of one, or the rest of an object; or a CloudWatch Logs subscription event {\"awslogs\":{\"data\":\"…\"}} or a Lambda failure record of one; or an SQS event of such events; or a Kinesis event of CloudWatch Logs subscription records")]
    [InlineData("""{"awslogs":{"data":42}}""", "awslogs.data is missing or not a string")]
    [InlineData("""{"awslogs":"x"}""", "awslogs.data is missing or not a string")]
    [InlineData("""{"requestPayload":{"Records":[]}}""", "requestPayload is not a CloudWatch Logs subscription event")]
    [InlineData("""{"requestPayload":{"awslogs":{"data":"%%"}}}""", "requestPayload.awslogs.data is not valid base64")]
    public void Events_of_another_shape_are_named(string eventJson, string expected)
    {
        var ex = Assert.Throws<InvalidEventException>(() => TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: Encoding.UTF8.GetBytes(eventJson)));

        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public void Base64_with_json_escaped_slashes_decodes_to_the_same_record()
    {
        var sample = File.ReadAllText(TestEvents.SamplePath("cloudwatch-logs.json"));
        var escaped = sample.Replace("/", "\\/", StringComparison.Ordinal);
        Assert.Contains("\\/", escaped, StringComparison.Ordinal);

        var plain = TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: Encoding.UTF8.GetBytes(sample));
        var record = TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: Encoding.UTF8.GetBytes(escaped));

        Assert.Equal(plain.LogEvents.Select(e => (e.TimestampNs, e.Text)), record.LogEvents.Select(e => (e.TimestampNs, e.Text)));
    }

    [Fact]
    public void An_event_that_is_not_json_says_so()
    {
        var ex = Assert.Throws<InvalidEventException>(() => TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: Encoding.UTF8.GetBytes("awslogs=yes")));

        Assert.StartsWith("the event is not valid JSON:", ex.Message);
    }

    [Fact]
    public void A_gzip_bomb_stops_at_the_cap()
    {
        // 256 MiB of zeros compress to about 256 KiB; the trailer tells the truth here, so the cap refuses it unread.
        var bomb = ZerosGzip(256L * 1024 * 1024);
        var ex = Assert.Throws<InvalidEventException>(() => TestSources.DecodeEvent(SubscriptionEventWriter.WrapData(Convert.ToBase64String(bomb)), maxDecompressedBytes: 1024 * 1024));

        Assert.Equal("awslogs.data decompresses to more than MAX_DECOMPRESSED_BYTES (1048576 bytes); refusing to read further", ex.Message);
    }

    [Fact]
    public void A_gzip_bomb_with_a_lying_trailer_stops_at_the_cap_while_inflating()
    {
        var bomb = ZerosGzip(64L * 1024 * 1024);
        bomb[^4] = 10; // ISIZE claims 10 bytes
        bomb[^3] = 0;
        bomb[^2] = 0;
        bomb[^1] = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<InvalidEventException>(() => SubscriptionData.Decode(bomb, "awslogs.data", maxDecompressedBytes: 2 * 1024 * 1024));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("awslogs.data decompresses to more than MAX_DECOMPRESSED_BYTES (2097152 bytes); refusing to read further", ex.Message);
        Assert.True(allocated < 8L * 1024 * 1024, $"allocated {allocated} bytes for a 2 MiB cap");
    }

    private static byte[] ZerosGzip(long size)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (long written = 0; written < size; written += zeros.Length)
            {
                gzip.Write(zeros);
            }
        }

        return output.ToArray();
    }

    [Fact]
    public void An_unpaired_surrogate_escape_in_a_message_becomes_the_replacement_character_instead_of_failing_the_record()
    {
        var record = TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: TestEvents.FromRecordJson("""
            {"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s",
             "logEvents":[{"id":"1","timestamp":5,"message":"half \ud83d of an emoji"},{"id":"2","timestamp":6,"message":"next"}]}
            """));

        Assert.Equal(["half \uFFFD of an emoji", "next"], record.LogEvents.Select(e => e.Text));
    }

    [Fact]
    public void A_log_group_that_is_not_UTF8_is_named()
    {
        var json = Encoding.UTF8.GetBytes("""{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g?","logStream":"s","logEvents":[]}""");
        json[Array.IndexOf(json, (byte)'?')] = 0xFF;

        var ex = Assert.Throws<InvalidEventException>(() => TestSources.DecodeEvent(maxDecompressedBytes: MaxDecompressedBytes, eventJson: SubscriptionEventWriter.LambdaEvent(json)));

        Assert.Equal("awslogs.data does not hold valid subscription JSON: $.logGroup is not valid UTF-8 text", ex.Message);
    }

    [Fact]
    public void An_SQS_body_that_is_not_UTF8_is_named_and_the_other_messages_still_decode()
    {
        var good = Encoding.UTF8.GetString(TestEvents.CloudWatch("g", "s", (5, "kept")));
        var json = TestEvents.Sqs(("m-1", "bad?body"), ("m-2", good));
        json[Array.IndexOf(json, (byte)'?')] = 0xFF;

        using var incoming = TestSources.Read(json, MaxDecompressedBytes);

        var items = incoming.Items;
        Assert.Equal("Records[0] (messageId m-1): body is not valid UTF-8 text", items[0].Error);
        Assert.Equal("kept", Assert.Single(items[1].Records.Single().Lines).Text);
    }
}
