using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using LokiShipper.Diagnostics;
using LokiShipper.Runtime;
using LokiShipper.Sources.S3.Reading;
using LokiShipper.Tests.Sources.S3.Reading;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Sources.S3;

/// <summary>
/// A VPC flow log object (header, custom field order, a NODATA record) read from moto's S3 and pushed to every real
/// Loki flavour: what Loki holds afterwards is exactly what the summary says was pushed, line for line, to the nanosecond.
/// </summary>
public sealed class S3OnRealLokiTests(MotoS3 moto) : IClassFixture<MotoS3>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..10];

    [SkippableTheory]
    [MemberData(nameof(RealLokis.FlavourData), MemberType = typeof(RealLokis))]
    public async Task A_vpc_flow_log_object_arrives_whole_with_each_records_start_time(string flavour)
    {
        moto.SkipIfUnavailable();
        var loki = await RealLokis.GetAsync(flavour);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds();
        string[] records =
        [
            $"{start} {start + 60} eni-0a1b2c3d 10.0.1.5 10.0.2.9 443 51234 6 10 8400 ACCEPT OK",
            $"{start + 1} {start + 61} eni-0a1b2c3d 10.0.2.9 10.0.1.5 51234 443 6 12 1200 ACCEPT OK",
            $"{start + 2} {start + 62} eni-0a1b2c3d - - - - - - - NODATA",
        ];
        var body = "start end interface-id srcaddr dstaddr srcport dstport protocol packets bytes action log-status\n" + string.Join('\n', records) + "\n";
        var bucket = "flow-" + _id;
        var key = $"AWSLogs/123456789012/vpcflowlogs/eu-west-1/2026/11/30/123456789012_vpcflowlogs_eu-west-1_fl-{_id}_20261130T1000Z_fe123456.log.gz";
        await moto.Client.PutBucketAsync(new PutBucketRequest { BucketName = bucket, BucketRegion = new S3Region(MotoS3.Region) });
        using (var gz = new MemoryStream())
        {
            using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(Encoding.UTF8.GetBytes(body));
            }

            gz.Position = 0;
            await moto.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = gz });
        }

        var log = new StringWriter();
        var function = Composition.CreateFunction(
            TestOptions.From([.. loki.ShipperVariables, ("AWS_REGION", "eu-west-1"), ("EXTRA_LABELS", $"test_case,{_id}")]),
            new ShipperLog(log, LogLevel.Info),
            TimeProvider.System,
            emitMetrics: false,
            s3Objects: () => AwsS3Objects.ForEndpoint(moto.Endpoint, MotoS3.Credentials, MotoS3.Region));
        var notification = JsonSerializer.Serialize(new
        {
            Records = new[] { new { eventSource = "aws:s3", awsRegion = "eu-west-1", eventName = "ObjectCreated:Put", s3 = new { bucket = new { name = bucket }, @object = new { key } } } },
        });

        await function.HandleAsync(Encoding.UTF8.GetBytes(notification), new InvocationContext("s3", DateTimeOffset.UtcNow.AddMinutes(1)), CancellationToken.None);

        var summary = JsonDocument.Parse(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.Equal((3, 3), (summary.GetProperty("entries_in").GetInt32(), summary.GetProperty("entries_pushed").GetInt32()));
        var stream = Assert.Single(await loki.Query.StoredStreamsAsync(LokiQuery.Selector("test_case", _id), 3));
        Assert.Equal(records.Select((r, i) => ((start + i) * 1_000_000_000, r)), stream.Entries.OrderBy(e => e.TimestampNs).Select(e => (e.TimestampNs, e.Line)));
        Assert.Subset(stream.Labels.ToHashSet(), new Dictionary<string, string>
        {
            ["service_name"] = $"fl-{_id}",
            ["aws_service"] = "vpc_flow",
            ["log_type"] = "vpc_flow",
            ["aws_account_id"] = "123456789012",
            ["aws_region"] = "eu-west-1",
        }.ToHashSet());
        Assert.All(stream.Entries, e => Assert.Equal(loki.StoresStructuredMetadata ? key : null, e.Metadata.GetValueOrDefault("s3_key")));
        Assert.Equal(flavour == "3-upgraded" ? 3 : 0, summary.GetProperty("metadata_dropped").GetInt32());
    }
}
