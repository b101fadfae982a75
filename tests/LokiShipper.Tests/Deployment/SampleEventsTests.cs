using System.Globalization;
using System.Text;
using System.Text.Json;
using LokiShipper.Cli;
using LokiShipper.Diagnostics;
using LokiShipper.Pipeline;
using LokiShipper.Runtime;
using LokiShipper.Sources.CloudWatch;
using LokiShipper.Sources.S3;
using LokiShipper.Sources.S3.Reading;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Deployment;

/// <summary>
/// The files in events/ are what users pass to <c>sam local invoke -e</c> and to our own <c>invoke</c>: each is a
/// shape the function accepts, and each ships what it says it ships.
/// </summary>
public sealed class SampleEventsTests : IAsyncLifetime
{
    /// <summary>Sample file → entries it ships (the CloudWatch sample's lines; none for a control message).</summary>
    public static TheoryData<string, int> Samples => new()
    {
        { "cloudwatch-logs.json", 4 },
        { "cloudwatch-control-message.json", 0 },
        { "failure-record.json", 4 },
        { "sqs-redrive.json", 4 },
    };

    /// <summary>Samples that are not built around cloudwatch-logs.json, with the entries they ship.</summary>
    public static TheoryData<string, int> OtherSamples => new()
    {
        { "kinesis-cloudwatch.json", 9 },
    };

    /// <summary>
    /// Samples that onboard log groups rather than ship lines: they call CloudWatch Logs (<c>AWS_ENDPOINT_URL_LOGS</c>
    /// for an emulator), so they are invoked against moto in <c>Onboarding/SampleOnboardingEventTests</c>.
    /// </summary>
    public static TheoryData<string> OnboardingSamples => new() { "log-group-created.json" };

    private const string AlbObject = "s3://alb-logs-123456789012/AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2026/11/22/123456789012_elasticloadbalancing_eu-west-1_app.checkout-alb.50dc6c495c0c9188_20261122T1600Z_10.0.1.25_2q3x9z7k.log.gz";
    private const string FlowObject = "s3://vpc-flow-logs-123456789012/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2026/11/22/123456789012_vpcflowlogs_eu-west-1_fl-0a1b2c3d4e5f67890_20261122T1600Z_8e2a4b6c.log.gz";

    /// <summary>
    /// Samples that name S3 objects (file → the event's source → the objects, in order). Shipping one reads its objects
    /// from S3, so it needs an S3 endpoint that the other samples do not: <c>invoke</c> reads them with the AWS
    /// credentials and endpoint of the environment (<c>AWS_ENDPOINT_URL_S3</c> for an emulator). Here they are read as
    /// the function reads events, and shipped by the real handler with S3 answered by <see cref="SampleObjects"/>.
    /// </summary>
    public static TheoryData<string, string, string[]> S3Samples => new()
    {
        { "s3-notification.json", "s3", [AlbObject] },
        { "s3-sqs.json", "sqs", [AlbObject, FlowObject] },
        { "s3-eventbridge.json", "s3", [FlowObject] },
    };

    private readonly StringWriter _stderr = new();
    private LokiReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LokiReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public void Every_file_in_events_is_a_tested_sample()
    {
        var files = Directory.GetFiles(Path.GetDirectoryName(TestEvents.SamplePath("x"))!, "*.json").Select(Path.GetFileName);

        Assert.Equal(Samples.Concat(OtherSamples).Concat(S3Samples).Concat(OnboardingSamples).Select(row => (string)row[0]).Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task A_sample_event_ships_the_sample_lines_with_their_exact_timestamps(string file, int entries)
    {
        var original = TestSources.DecodeEvent(File.ReadAllBytes(TestEvents.SamplePath("cloudwatch-logs.json")));
        var environment = new Dictionary<string, string> { ["WRITE_ADDRESS"] = _receiver.PushUrl.ToString() };

        var exit = await new CliApp(new MemoryStream(), _stderr, name => environment.GetValueOrDefault(name), TimeProvider.System)
            .RunAsync(["invoke", TestEvents.SamplePath(file)]);

        Assert.Equal(0, exit);
        var summary = JsonDocument.Parse(_stderr.ToString()).RootElement;
        Assert.True(summary.GetProperty("ok").GetBoolean());
        Assert.Equal(entries, summary.GetProperty("entries_pushed").GetInt32());
        var shipped = _receiver.Accepted.SelectMany(p => p.Streams).SelectMany(s => s.Entries).ToList();
        if (entries == 0)
        {
            Assert.Empty(_receiver.Received);
            return;
        }

        var stream = Assert.Single(Assert.Single(_receiver.Accepted).Streams);
        Assert.Equal("/aws/lambda/checkout-api", stream.Labels["log_group"]);
        Assert.Equal(original.LogEvents.Select(e => (e.TimestampNs, e.Text)), shipped.Select(e => (e.TimestampNs, e.Line)));
    }

    [Fact]
    public async Task The_kinesis_sample_ships_three_log_groups_in_one_request_and_skips_the_control_message()
    {
        var kinesis = TestSources.Read(File.ReadAllBytes(TestEvents.SamplePath("kinesis-cloudwatch.json")));
        var environment = new Dictionary<string, string> { ["WRITE_ADDRESS"] = _receiver.PushUrl.ToString() };
        // Shipped as it arrives, a minute after its newest line (lines over 50 minutes old go one log group per request).
        var newest = kinesis.Items.Skip(1).SelectMany(i => i.Records.Single().Lines).Max(e => e.TimestampNs);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(newest / LogLine.NanosPerMilli).AddMinutes(1));

        var exit = await new CliApp(new MemoryStream(), _stderr, name => environment.GetValueOrDefault(name), time)
            .RunAsync(["invoke", TestEvents.SamplePath("kinesis-cloudwatch.json")]);

        Assert.Equal(0, exit);
        Assert.Empty(kinesis.Items[0].Records); // the control message
        var push = Assert.Single(_receiver.Accepted);
        Assert.Equal(["/aws/lambda/checkout-api", "/aws/rds/instance/orders-db/postgresql", "/ecs/payments"], push.Streams.Select(s => s.Labels["log_group"]).Order(StringComparer.Ordinal));
        foreach (var record in kinesis.Items.Skip(1).Select(i => i.Records.Single()))
        {
            var stream = push.Streams.Single(s => s.Labels["log_group"] == ((CloudWatchOrigin)record.Origin).LogGroup);
            Assert.Equal(record.Lines.Select(e => (e.TimestampNs, e.Text)), stream.Entries.Select(e => (e.TimestampNs, e.Line)));
        }
    }

    [Theory]
    [MemberData(nameof(S3Samples))]
    public void An_S3_sample_is_an_event_the_function_reads_as_naming_its_objects(string file, string source, string[] objects)
    {
        using var input = TestSources.Read(File.ReadAllBytes(TestEvents.SamplePath(file)));

        Assert.Equal(source, input.Source);
        Assert.Equal(objects.Length, input.Items.Count);
        Assert.All(input.Items, item => Assert.True(item.Error is null && item.Reader is not null, $"{item.Id}: {item.Error}"));
        if (source == "s3")
        {
            Assert.Equal(objects, input.Items.Select(i => i.Id));
        }
    }

    [Theory]
    [MemberData(nameof(S3Samples))]
    public async Task An_S3_sample_ships_the_lines_of_its_objects_with_their_own_timestamps_and_labels(string file, string source, string[] objects)
    {
        var store = new SampleObjects();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 16, 6, 0, TimeSpan.Zero));
        var handler = Composition.CreateFunction(
            TestOptions.From(("WRITE_ADDRESS", _receiver.PushUrl.ToString())), new ShipperLog(_stderr, LogLevel.Info), time, s3Objects: () => store);

        await handler.HandleAsync(File.ReadAllBytes(TestEvents.SamplePath(file)), new InvocationContext("sample", time.GetUtcNow().AddSeconds(60)), CancellationToken.None, eventName: file);

        var summary = _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).Single(l => l.TryGetProperty("ok", out _));
        Assert.True(summary.GetProperty("ok").GetBoolean(), summary.ToString());
        Assert.Equal(source, summary.GetProperty("source").GetString());
        Assert.Equal(objects, store.Opened);
        Assert.Equal(objects.Sum(o => SampleObjects.Entries(o).Count), summary.GetProperty("entries_pushed").GetInt32());
        var streams = _receiver.Accepted.SelectMany(p => p.Streams).ToList();
        foreach (var uri in objects)
        {
            var (bucket, key) = SampleObjects.Split(uri);
            var (service, awsService, logType) = uri == AlbObject ? ("checkout-alb", "elasticloadbalancing", "alb") : ("fl-0a1b2c3d4e5f67890", "vpc_flow", "vpc_flow");
            var stream = Assert.Single(streams, s => s.Labels.GetValueOrDefault("service_name") == service);
            Assert.Equal((awsService, logType, "123456789012", "eu-west-1"), (stream.Labels["aws_service"], stream.Labels["log_type"], stream.Labels["aws_account_id"], stream.Labels["aws_region"]));
            Assert.DoesNotContain(stream.Labels.Keys, name => name.Contains("key", StringComparison.Ordinal) || name.Contains("bucket", StringComparison.Ordinal));
            Assert.Equal(SampleObjects.Entries(uri), stream.Entries.Select(e => (e.TimestampNs, e.Line)));
            Assert.All(stream.Entries, e => Assert.Equal((bucket, key), (e.Metadata["s3_bucket"], e.Metadata["s3_key"])));
        }
    }

    /// <summary>
    /// S3 as the S3 samples need it: their objects, with lines as ALB and VPC Flow Logs write them (fields and layout
    /// of the examples in the Elastic Load Balancing and VPC user guides), written five minutes before the sample's
    /// notification.
    /// </summary>
    private sealed class SampleObjects : IS3Objects
    {
        private static readonly Dictionary<string, string> Content = new(StringComparer.Ordinal)
        {
            [AlbObject] = string.Join('\n',
                "http 2026-11-22T15:58:39.120184Z app/checkout-alb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/checkout-tg/73e2d6bc24d8a067 \"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\" 0 2026-11-22T15:58:39.118000Z \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\" TID_1234abcd5678ef90",
                "https 2026-11-22T15:59:02.086095Z app/checkout-alb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 \"GET https://www.example.com:443/cart HTTP/1.1\" \"curl/7.46.0\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/checkout-tg/73e2d6bc24d8a067 \"Root=1-58337281-1d84f3d73c47ec4e58577259\" \"www.example.com\" \"arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012\" 1 2026-11-22T15:59:01.952000Z \"authenticate,forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\" TID_1234abcd5678ef91") + "\n",
            [FlowObject] = string.Join('\n',
                "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status",
                "2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.25 10.0.2.17 49761 3306 6 20 4249 1795363080 1795363138 ACCEPT OK",
                "2 123456789012 eni-0a1b2c3d4e5f67890 198.51.100.7 10.0.1.25 42133 22 6 1 40 1795363140 1795363198 REJECT OK") + "\n",
        };

        public List<string> Opened { get; } = [];

        /// <summary>What an object ships: each line (not the header) with its own time, ALB's time field or the flow's start.</summary>
        public static List<(long TimestampNs, string Line)> Entries(string uri) =>
            Content[uri].Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(line => !line.StartsWith("version ", StringComparison.Ordinal))
                .Select(line => (uri == AlbObject
                    ? (DateTimeOffset.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture) - DateTimeOffset.UnixEpoch).Ticks * 100
                    : long.Parse(line.Split(' ')[10], CultureInfo.InvariantCulture) * 1_000_000_000, line))
                .ToList();

        public static (string Bucket, string Key) Split(string uri) => uri["s3://".Length..].Split('/', 2) is [var bucket, var key] ? (bucket, key) : throw new ArgumentException(uri);

        public Task<S3ObjectContent> OpenAsync(S3ObjectRef obj, CancellationToken cancellationToken)
        {
            var uri = $"s3://{obj.Bucket}/{obj.Key}";
            Opened.Add(uri);
            return Task.FromResult(new S3ObjectContent(new MemoryStream(Encoding.UTF8.GetBytes(Content[uri])), new DateTimeOffset(2026, 11, 22, 16, 5, 0, TimeSpan.Zero)));
        }
    }

    [Fact]
    public void The_failure_samples_carry_the_cloudwatch_sample_as_it_was()
    {
        var sample = JsonDocument.Parse(File.ReadAllText(TestEvents.SamplePath("cloudwatch-logs.json"))).RootElement.GetProperty("awslogs").GetProperty("data").GetString();
        var record = JsonDocument.Parse(File.ReadAllText(TestEvents.SamplePath("failure-record.json"))).RootElement;
        var queued = JsonDocument.Parse(File.ReadAllText(TestEvents.SamplePath("sqs-redrive.json"))).RootElement.GetProperty("Records")[0].GetProperty("body").GetString()!;

        Assert.Equal(sample, record.GetProperty("requestPayload").GetProperty("awslogs").GetProperty("data").GetString());
        Assert.Equal(
            JsonSerializer.Serialize(record),
            JsonSerializer.Serialize(JsonDocument.Parse(Encoding.UTF8.GetBytes(queued)).RootElement));
    }
}
