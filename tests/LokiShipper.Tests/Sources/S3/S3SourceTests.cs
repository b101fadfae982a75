using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using LokiShipper.Diagnostics;
using LokiShipper.Function;
using LokiShipper.Runtime;
using LokiShipper.Sources.S3.Reading;
using LokiShipper.Tests.Sources.S3.Reading;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Sources.S3;

/// <summary>
/// S3 log files end to end: real objects in moto's S3, read with the real AWS SDK, every trigger shape, pushed to a
/// loopback Loki; exact lines, nanosecond timestamps, labels and counts.
/// </summary>
public sealed class S3SourceTests(MotoS3 moto) : IClassFixture<MotoS3>, IAsyncLifetime
{
    private const string Account = "123456789012";
    private const string AlbKey = "AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2022/12/06/123456789012_elasticloadbalancing_eu-west-1_app.checkout-alb.b13ea9d19f16d015_20221206T1740Z_10.0.0.1_2et2e1mx.log.gz";
    private const string VpcKey = "AWSLogs/123456789012/vpcflowlogs/eu-west-1/2022/12/01/123456789012_vpcflowlogs_eu-west-1_fl-1234abcd_20221201T0000Z_fe123456.log.gz";
    private const string TrailKey = "AWSLogs/123456789012/CloudTrail/eu-west-1/2022/12/01/123456789012_CloudTrail_eu-west-1_20221201T0000Z_Mu0KsOhtH1ar15ZZ.json.gz";
    private static readonly string[] AlbLines = File.ReadAllLines(S3TestData("alb.log"));

    private readonly string _bucket = "logs-" + Guid.NewGuid().ToString("N")[..12];
    private readonly StringWriter _log = new();
    private LokiReceiver _receiver = null!;

    private static string S3TestData(string file) => Path.Combine(AppContext.BaseDirectory, "TestData", "s3", file);

    public async Task InitializeAsync()
    {
        _receiver = await LokiReceiver.StartAsync();
        if (moto.Unavailable is null)
        {
            await moto.Client.PutBucketAsync(new PutBucketRequest { BucketName = _bucket, BucketRegion = new S3Region(MotoS3.Region) });
        }
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private ShipperFunction Function(params (string, string)[] variables) => Composition.CreateFunction(
        TestOptions.From([("WRITE_ADDRESS", _receiver.PushUrl.ToString()), ("AWS_REGION", "eu-west-1"), .. variables]),
        new ShipperLog(_log, LogLevel.Info),
        TimeProvider.System,
        emitMetrics: false,
        s3Objects: () => AwsS3Objects.ForEndpoint(moto.Endpoint, MotoS3.Credentials, MotoS3.Region));

    private static InvocationContext Context() => new("req", DateTimeOffset.UtcNow.AddMinutes(1));

    private async Task PutAsync(string key, byte[] body) =>
        await moto.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, InputStream = new MemoryStream(body) });

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    /// <summary>An S3 event notification for these keys, as S3 writes it (keys URL-encoded, spaces as '+').</summary>
    private string Notification(params string[] keys) => JsonSerializer.Serialize(new
    {
        Records = keys.Select(key => new
        {
            eventVersion = "2.1",
            eventSource = "aws:s3",
            awsRegion = "eu-west-1",
            eventTime = "2022-12-06T17:45:00.000Z",
            eventName = "ObjectCreated:Put",
            s3 = new { s3SchemaVersion = "1.0", bucket = new { name = _bucket, arn = $"arn:aws:s3:::{_bucket}" }, @object = new { key = Uri.EscapeDataString(key).Replace("%20", "+", StringComparison.Ordinal) } },
        }),
    });

    private static string Sqs(params (string Id, string Body)[] messages) => JsonSerializer.Serialize(new
    {
        Records = messages.Select(m => new { messageId = m.Id, body = m.Body, eventSource = "aws:sqs", awsRegion = "eu-west-1" }),
    });

    private JsonElement Summary() => JsonDocument.Parse(_log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;

    private List<ReceivedEntry> Shipped() => [.. _receiver.Accepted.SelectMany(p => p.Streams).SelectMany(s => s.Entries)];

    [SkippableFact]
    public async Task An_alb_log_ships_each_line_with_its_own_microsecond_time_under_the_load_balancers_labels()
    {
        moto.SkipIfUnavailable();
        await PutAsync(AlbKey, Gzip(string.Join('\n', AlbLines) + "\n"));

        await Function().HandleAsync(Encoding.UTF8.GetBytes(Notification(AlbKey)), Context(), CancellationToken.None);

        var stream = Assert.Single(Assert.Single(_receiver.Accepted).Streams);
        Assert.Equal(
            """{aws_account_id="123456789012", aws_region="eu-west-1", aws_service="elasticloadbalancing", log_type="alb", service_name="checkout-alb"}""",
            stream.LabelsText);
        Assert.Equal(AlbLines, stream.Entries.Select(e => e.Line));
        Assert.Equal([1_670_348_536_176_563_000L, 1_670_348_539_086_095_000L], stream.Entries.Select(e => e.TimestampNs));
        Assert.All(stream.Entries, e => Assert.Equal((_bucket, AlbKey), (e.Metadata["s3_bucket"], e.Metadata["s3_key"])));
        var summary = Summary();
        Assert.Equal(("s3", $"s3://{_bucket}/{AlbKey}", 2, 2), (summary.GetProperty("source").GetString(), summary.GetProperty("object").GetString(), summary.GetProperty("entries_in").GetInt32(), summary.GetProperty("entries_pushed").GetInt32()));
    }

    [SkippableFact]
    public async Task Firelens_records_in_a_json_lines_object_ship_their_log_with_the_container_as_metadata()
    {
        moto.SkipIfUnavailable();
        const string Key = "firelens/web/2026/11/30/part-0001.log";
        const string Record = """{"container_id":"c0ffee","container_name":"web","ecs_cluster":"prod","ecs_task_arn":"arn:aws:ecs:eu-west-1:111122223333:task/prod/0a1b","ecs_task_definition":"web:42","log":"POST /orders 201","source":"stdout"}""";
        await PutAsync(Key, Encoding.UTF8.GetBytes(Record + "\n"));

        await Function().HandleAsync(Encoding.UTF8.GetBytes(Notification(Key)), Context(), CancellationToken.None);

        var entry = Assert.Single(Shipped());
        Assert.Equal("POST /orders 201", entry.Line);
        Assert.Equal(("web", "prod", "stdout", _bucket), (entry.Metadata["container_name"], entry.Metadata["ecs_cluster"], entry.Metadata["source"], entry.Metadata["s3_bucket"]));
    }

    [SkippableFact]
    public async Task The_lambda_promtail_scheme_labels_s3_logs_as_lambda_promtail_does()
    {
        moto.SkipIfUnavailable();
        await PutAsync(AlbKey, Gzip(AlbLines[0]));

        await Function(("LABEL_SCHEME", "lambda-promtail")).HandleAsync(Encoding.UTF8.GetBytes(Notification(AlbKey)), Context(), CancellationToken.None);

        Assert.Equal(
            """{__aws_log_type="s3_lb", __aws_s3_lb="checkout-alb", __aws_s3_lb_owner="123456789012"}""",
            Assert.Single(Assert.Single(_receiver.Accepted).Streams).LabelsText);
    }

    [SkippableFact]
    public async Task An_sqs_batch_of_notifications_ships_each_object_and_counts_a_deleted_one_as_dropped()
    {
        moto.SkipIfUnavailable();
        await PutAsync(VpcKey, Gzip(File.ReadAllText(S3TestData("vpcflow.log"))));
        await PutAsync(TrailKey, Gzip(File.ReadAllText(S3TestData("cloudtrail.json"))));
        var snsWrapped = JsonSerializer.Serialize(new { Type = "Notification", MessageId = "sns-1", TopicArn = "arn:aws:sns:eu-west-1:123456789012:logs", Message = Notification(TrailKey) });
        var gone = Notification("AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2022/12/06/deleted.log.gz");

        var response = Encoding.UTF8.GetString(await Function().HandleAsync(
            Encoding.UTF8.GetBytes(Sqs(("m-vpc", Notification(VpcKey)), ("m-trail", snsWrapped), ("m-gone", gone))), Context(), CancellationToken.None));

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        var vpcHeaderless = File.ReadAllLines(S3TestData("vpcflow.log")).Skip(1).ToArray();
        var streams = _receiver.Accepted.SelectMany(p => p.Streams).ToList();
        Assert.Equal(vpcHeaderless, streams.Where(s => s.Labels["log_type"] == "vpc_flow").SelectMany(s => s.Entries).Select(e => e.Line));
        Assert.Equal(1_669_842_701_000_000_000L, streams.First(s => s.Labels["log_type"] == "vpc_flow").Entries[0].TimestampNs);
        var trail = streams.Where(s => s.Labels["log_type"] == "cloudtrail").SelectMany(s => s.Entries).ToList();
        using var original = JsonDocument.Parse(File.ReadAllText(S3TestData("cloudtrail.json")));
        var records = original.RootElement.GetProperty("Records").EnumerateArray().ToList();
        Assert.Equal(records.Count, trail.Count);
        Assert.Equal(records.Select(r => DateTimeOffset.Parse(r.GetProperty("eventTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() * 1_000_000), trail.Select(e => e.TimestampNs));
        Assert.All(trail, e => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(e.Line).RootElement.ValueKind));
        var summary = Summary();
        Assert.Equal(vpcHeaderless.Length + records.Count, summary.GetProperty("entries_pushed").GetInt32());
        Assert.Equal(1, summary.GetProperty("dropped_items").GetProperty("s3_object_gone").GetInt32());
    }

    [SkippableFact]
    public async Task A_line_over_MAX_LINE_SIZE_is_cut_and_counted_and_the_lines_after_it_still_ship()
    {
        moto.SkipIfUnavailable();
        const string key = "fluent-bit/app/2022/12/06/part-0001.log";
        var longLine = "2022-12-06T17:42:16.5Z " + new string('x', 100_000);
        await PutAsync(key, Encoding.UTF8.GetBytes($"2022-12-06T17:42:15Z first\n{longLine}\n2022-12-06T17:42:17Z after\n"));

        await Function(("MAX_LINE_SIZE", "65536")).HandleAsync(Encoding.UTF8.GetBytes(Notification(key)), Context(), CancellationToken.None);

        var entries = Shipped();
        Assert.Equal(3, entries.Count);
        Assert.Equal("2022-12-06T17:42:15Z first", entries[0].Line);
        Assert.Equal(65_536, Encoding.UTF8.GetByteCount(entries[1].Line));
        Assert.EndsWith(LokiShipper.Pipeline.LineTruncation.Marker(Encoding.UTF8.GetByteCount(longLine)), entries[1].Line, StringComparison.Ordinal);
        Assert.Equal(1_670_348_536_500_000_000L, entries[1].TimestampNs);
        Assert.Equal("2022-12-06T17:42:17Z after", entries[2].Line);
        Assert.Equal(1, Summary().GetProperty("lines_truncated").GetInt32());
    }

    [SkippableFact]
    public async Task A_large_object_is_read_and_pushed_a_chunk_at_a_time_with_every_line_once_in_order()
    {
        moto.SkipIfUnavailable();
        const string key = "exports/app.jsonl.gz";
        var lines = Enumerable.Range(0, 20_000).Select(i => $$"""{"date":{{1_700_000_000 + i}}.25,"log":"line {{i}}"}""").ToArray();
        await PutAsync(key, Gzip(string.Join('\n', lines)));

        await Function(("BATCH_SIZE", "65536"), ("PUSH_CONCURRENCY", "1")).HandleAsync(Encoding.UTF8.GetBytes(Notification(key)), Context(), CancellationToken.None);

        var entries = Shipped();
        Assert.Equal(lines, entries.Select(e => e.Line));
        Assert.Equal(Enumerable.Range(0, 20_000).Select(i => (1_700_000_000L + i) * 1_000_000_000 + 250_000_000), entries.Select(e => e.TimestampNs));
        Assert.True(_receiver.Accepted.Count >= 10, $"{_receiver.Accepted.Count} pushes for 20,000 lines read 64 KiB at a time");
        Assert.All(_receiver.Accepted, p => Assert.True(p.EntryCount < 2_000));
    }

    [SkippableFact]
    public async Task Corrupt_gzip_keeps_the_lines_before_it_and_fails_naming_the_object()
    {
        moto.SkipIfUnavailable();
        const string key = "exports/broken.log.gz";
        var good = Gzip(string.Join('\n', Enumerable.Range(0, 2_000).Select(i => $"2022-12-06T17:42:{i % 60:00}Z line {i}")) + "\n");
        var broken = good[..(good.Length - 8)].Concat(Encoding.ASCII.GetBytes("not the gzip trailer")).ToArray();
        await PutAsync(key, broken);

        var ex = await Assert.ThrowsAsync<InvocationFailedException>(() =>
            Function().HandleAsync(Encoding.UTF8.GetBytes(Notification(key)), Context(), CancellationToken.None));

        Assert.Contains($"s3://{_bucket}/{key}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Shipped().Count, Summary().GetProperty("entries_pushed").GetInt32());
        Assert.Equal(Shipped().Select(e => e.Line), Enumerable.Range(0, Shipped().Count).Select(i => $"2022-12-06T17:42:{i % 60:00}Z line {i}"));
    }

    [SkippableFact]
    public async Task S3s_test_message_and_an_eventbridge_object_created_event_are_both_understood()
    {
        moto.SkipIfUnavailable();
        const string key = "exports/with space+plus=1.log";
        await PutAsync(key, Encoding.UTF8.GetBytes("plain line without a timestamp\n"));
        var test = JsonSerializer.Serialize(new { Service = "Amazon S3", Event = "s3:TestEvent", Time = "2022-12-06T17:45:00.000Z", Bucket = _bucket, RequestId = "r", HostId = "h" });
        var eventBridge = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = "0",
            ["id"] = "e-1",
            ["detail-type"] = "Object Created",
            ["source"] = "aws.s3",
            ["account"] = Account,
            ["time"] = "2022-12-06T17:45:00Z",
            ["region"] = "eu-west-1",
            ["resources"] = new[] { $"arn:aws:s3:::{_bucket}" },
            ["detail"] = new { version = "0", bucket = new { name = _bucket }, @object = new { key, size = 31 } },
        });
        var lastModified = (await moto.Client.GetObjectMetadataAsync(_bucket, key)).LastModified!.Value;

        var response = Encoding.UTF8.GetString(await Function().HandleAsync(Encoding.UTF8.GetBytes(Sqs(("m-test", test), ("m-eb", eventBridge))), Context(), CancellationToken.None));

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        var entry = Assert.Single(Shipped());
        Assert.Equal("plain line without a timestamp", entry.Line);
        Assert.Equal(new DateTimeOffset(lastModified.ToUniversalTime()).ToUnixTimeMilliseconds() * 1_000_000, entry.TimestampNs);
    }

    [SkippableFact]
    public async Task A_failure_record_of_a_direct_s3_invocation_replays_from_the_failure_queue()
    {
        moto.SkipIfUnavailable();
        await PutAsync(AlbKey, Gzip(AlbLines[1]));
        var failureRecord = """{"version":"1.0","requestContext":{"condition":"RetriesExhausted","approximateInvokeCount":3},"requestPayload":"""
            + Notification(AlbKey) + ""","responsePayload":{"errorType":"PushFailed"}}""";

        var response = Encoding.UTF8.GetString(await Function().HandleAsync(Encoding.UTF8.GetBytes(Sqs(("m-failed", failureRecord))), Context(), CancellationToken.None));

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        Assert.Equal([AlbLines[1]], Shipped().Select(e => e.Line));
    }

    /// <summary>Each sample (real AWS lines, see TestData/s3/README.md) under a key as AWS writes it for that format.</summary>
    [SkippableTheory]
    [InlineData("alb.log", "AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2022/12/06/123456789012_elasticloadbalancing_eu-west-1_app.my-lb.b13ea9d19f16d015_20221206T1740Z_10.0.0.1_2et2e1mx.log.gz", "alb", "1670348536176563000,1670348539086095000")]
    [InlineData("nlb.log", "AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2020/04/01/123456789012_elasticloadbalancing_eu-west-1_net.my-nlb.1234567890abcdef_202004010000Z_2soosksi.log.gz", "nlb", "1545274780000000000,1585731102000000000")]
    [InlineData("classic-elb.log", "AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2015/05/13/123456789012_elasticloadbalancing_eu-west-1_my-elb_20150513T2340Z_172.160.001.192_20sg8hgm.log", "elb", "1431560383945958000,1431560383945958000")]
    [InlineData("vpcflow.log", "AWSLogs/123456789012/vpcflowlogs/eu-west-1/2022/11/30/123456789012_vpcflowlogs_eu-west-1_fl-1234abcd_20221130T2100Z_fe123456.log.gz", "vpc_flow", "1669842701000000000,1669842701000000000,1669842715000000000")]
    [InlineData("cloudfront.log", "cdn-logs/E2K2LNL5N3WR51.2023-04-26-07.a10a8496.gz", "cloudfront", "1682493911000000000,1682493911000000000")]
    [InlineData("waf.log", "AWSLogs/123456789012/WAFLogs/eu-west-1/my-acl/2023/08/31/04/55/123456789012_waflogs_eu-west-1_my-acl_20230831T0455Z_e0ca43b5.log.gz", "waf", "1693457862729000000")]
    [InlineData("guardduty.jsonl", "AWSLogs/123456789012/GuardDuty/eu-west-1/2022/11/22/07a3f2ce-1485-3031-b842-e1f324c4a48d.jsonl.gz", "guardduty", "1669119740934000000,1669119740935000000")]
    [InlineData("s3access.log", "123456789012/eu-west-1/amzn-s3-demo-source-bucket/2019/02/06/2019-02-06-00-00-38-E568B2907131C0C0", "s3_access", "1549411238000000000")]
    [InlineData("msk.log", "AWSLogs/123456789012/KafkaBrokerLogs/eu-west-1/msk-test-7f6b9b77-24f9-4921-87b6-d29a6401e292-3/2025-07-04-11/Broker-1_11-55_cab960bb.log.gz", "msk", "1751630275836000000,1751630275839000000")]
    public async Task Every_format_ships_each_entry_of_a_real_sample_with_its_own_timestamp(string sample, string key, string logType, string timestamps)
    {
        moto.SkipIfUnavailable();
        var text = File.ReadAllText(S3TestData(sample));
        await PutAsync(key, key.EndsWith(".gz", StringComparison.Ordinal) ? Gzip(text) : Encoding.UTF8.GetBytes(text));

        await Function().HandleAsync(Encoding.UTF8.GetBytes(Notification(key)), Context(), CancellationToken.None);

        var stream = Assert.Single(_receiver.Accepted.SelectMany(p => p.Streams));
        Assert.Equal(logType, stream.Labels["log_type"]);
        Assert.Equal(timestamps.Split(',').Select(long.Parse), stream.Entries.Select(e => e.TimestampNs));
        var entries = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("version ", StringComparison.Ordinal));
        Assert.Equal(entries.Order(StringComparer.Ordinal), stream.Entries.Select(e => e.Line).Order(StringComparer.Ordinal));
    }
}
