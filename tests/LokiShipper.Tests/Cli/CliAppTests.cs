using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LokiShipper.Cli;
using LokiShipper.Pipeline;
using LokiShipper.Sources.Kinesis;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Cli;

public sealed class CliAppTests : IAsyncLifetime
{
    private readonly MemoryStream _stdout = new();
    private readonly StringWriter _stderr = new();
    private readonly Dictionary<string, string> _env = [];
    private LokiReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LokiReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private Task<int> Run(params string[] args) =>
        new CliApp(_stdout, _stderr, name => _env.GetValueOrDefault(name), TimeProvider.System).RunAsync(args);

    private string Stdout => Encoding.UTF8.GetString(_stdout.ToArray());

    private List<JsonElement> SummaryLines() =>
        _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public async Task Invoke_without_write_address_is_a_dry_run_that_prints_the_push_as_loki_json()
    {
        var sample = TestEvents.SamplePath("cloudwatch-logs.json");

        var exit = await Run("invoke", sample);

        Assert.Equal(0, exit);
        var record = TestSources.DecodeEvent(File.ReadAllBytes(sample));
        var push = ReceivedPush.Decode("application/json", null, new Dictionary<string, string>(), _stdout.ToArray());
        var stream = Assert.Single(push.Streams);
        Assert.Equal("checkout-api", stream.Labels["service_name"]);
        Assert.Equal(record.LogEvents.Select(e => e.Text), stream.Entries.Select(e => e.Line));
        Assert.Equal(record.LogEvents.Select(e => e.TimestampNs), stream.Entries.Select(e => e.TimestampNs));
        Assert.All(stream.Entries, e => Assert.Equal(record.LogStream, e.Metadata["log_stream"]));

        var summary = Assert.Single(SummaryLines());
        Assert.Equal(sample, summary.GetProperty("event").GetString());
        Assert.True(summary.GetProperty("ok").GetBoolean());
        Assert.Equal(4, summary.GetProperty("entries_in").GetInt32());
        Assert.Equal(4, summary.GetProperty("entries_pushed").GetInt32());
        Assert.Equal(1, summary.GetProperty("batches").GetInt32());
    }

    [Fact]
    public async Task Invoke_pushes_to_write_address_and_repeats()
    {
        _env["WRITE_ADDRESS"] = _receiver.PushUrl.ToString();

        var exit = await Run("invoke", TestEvents.SamplePath("cloudwatch-logs.json"), "--repeat", "3", "--timeout", "20");

        Assert.Equal(0, exit);
        Assert.Equal(3, _receiver.Received.Count);
        Assert.All(_receiver.Received, r => Assert.Equal(4, r.EntryCount));
        Assert.Equal("", Stdout);
        Assert.Equal(3, SummaryLines().Count(s => s.GetProperty("ok").GetBoolean()));
    }

    [Fact]
    public async Task Dry_run_flag_wins_over_write_address()
    {
        _env["WRITE_ADDRESS"] = _receiver.PushUrl.ToString();

        Assert.Equal(0, await Run("invoke", "--dry-run", TestEvents.SamplePath("cloudwatch-logs.json")));

        Assert.Empty(_receiver.Received);
        Assert.Contains("\"streams\"", Stdout);
    }

    [Fact]
    public async Task A_failed_invocation_exits_1_with_the_reason_in_the_summary()
    {
        _env["WRITE_ADDRESS"] = _receiver.PushUrl.ToString();
        _receiver.Enqueue(LokiReceiver.Status(403, "tenant disabled"));

        var exit = await Run("invoke", TestEvents.SamplePath("cloudwatch-logs.json"));

        Assert.Equal(1, exit);
        var summary = Assert.Single(SummaryLines());
        Assert.False(summary.GetProperty("ok").GetBoolean());
        Assert.EndsWith("Loki answered 403 Forbidden, which retrying cannot fix: tenant disabled", summary.GetProperty("error").GetString());
        Assert.Equal(4, summary.GetProperty("entries_failed").GetInt32());
    }

    [Fact]
    public async Task A_malformed_event_file_exits_1_and_names_the_problem()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"awslogs":{"data":"!!"}}""");
        try
        {
            Assert.Equal(1, await Run("invoke", file));

            Assert.Equal("awslogs.data is not valid base64", Assert.Single(SummaryLines()).GetProperty("error").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_configuration_error_exits_2_naming_the_variable()
    {
        _env["BATCH_SIZE"] = "lots";

        Assert.Equal(2, await Run("invoke", TestEvents.SamplePath("cloudwatch-logs.json")));

        Assert.Contains("BATCH_SIZE must be a whole number from 1 to 104857600", _stderr.ToString());
    }

    [Fact]
    public async Task Ignored_lambda_promtail_settings_are_reported_once_before_the_invocations()
    {
        _env["PRINT_LOG_LINE"] = "true";

        Assert.Equal(0, await Run("invoke", TestEvents.SamplePath("cloudwatch-logs.json"), "--repeat", "2"));

        var lines = SummaryLines();
        Assert.Equal(3, lines.Count);
        Assert.Equal("warn", lines[0].GetProperty("level").GetString());
        Assert.Equal(["PRINT_LOG_LINE"], lines[0].GetProperty("variables").EnumerateArray().Select(v => v.GetString()));
        Assert.All(lines.Skip(1), summary => Assert.True(summary.GetProperty("ok").GetBoolean()));
    }

    [Theory]
    [InlineData(new[] { "invoke" }, "invoke needs at least one event file")]
    [InlineData(new[] { "invoke", "no-such-file.json" }, "event file not found: no-such-file.json")]
    [InlineData(new[] { "invoke", "x.json", "--repeat", "0" }, "--repeat takes a whole number greater than 0, not '0'")]
    [InlineData(new[] { "invoke", "x.json", "--fast" }, "unknown option --fast")]
    [InlineData(new[] { "events", "cloudwatch" }, "events cloudwatch needs one --log-group")]
    [InlineData(new[] { "events", "cloudwatch", "--log-group", "g", "--message-file", "nope.log" }, "message file not found: nope.log")]
    public async Task Usage_errors_exit_2_with_a_message(string[] args, string message)
    {
        Assert.Equal(2, await Run(args));

        Assert.Contains($"error: {message}", _stderr.ToString());
        Assert.Contains("Usage:", _stderr.ToString());
    }

    [Fact]
    public async Task An_unknown_command_prints_usage_and_exits_2()
    {
        Assert.Equal(2, await Run("deploy"));
        Assert.Contains("Usage:", _stderr.ToString());
    }

    [Fact]
    public async Task Events_cloudwatch_prints_a_valid_subscription_event()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(0, await Run("events", "cloudwatch", "--log-group", "/ecs/payments", "--log-stream", "web/1", "--message", "one", "--message", "two", "--count", "5"));

        var record = TestSources.DecodeEvent(_stdout.ToArray());
        Assert.Equal(("/ecs/payments", "web/1", "123456789012"), (record.LogGroup, record.LogStream, record.Owner));
        Assert.Equal(["one", "two", "one", "two", "one"], record.LogEvents.Select(e => e.Text));
        Assert.All(record.LogEvents, e => Assert.InRange(e.TimestampNs / LogLine.NanosPerMilli, before - 10, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        Assert.Equal(record.LogEvents.Select(e => e.TimestampNs).Order(), record.LogEvents.Select(e => e.TimestampNs));
    }

    [Fact]
    public async Task Bench_runs_the_handler_against_the_null_sink_and_reports_timings_throughput_and_allocations()
    {
        Assert.Equal(0, await Run("bench", TestEvents.SamplePath("cloudwatch-logs.json"), "--invocations", "20", "--warmup", "2"));

        var lines = Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Matches(@"^bench .*cloudwatch-logs\.json: 4 events, 0\.00 MB of lines, 0\.00 MB of decompressed JSON; 20 invocations, sink: null \(in-process 204, no network\)$", lines[0]);
        Assert.Matches(@"^  per invocation  p50 \d+\.\d ms   p90 \d+\.\d ms   max \d+\.\d ms   mean \d+\.\d ms$", lines[1]);
        Assert.Matches(@"events/s .* MB/s of lines   1 requests per invocation$", lines[2]);
        Assert.Matches(@"^  allocated       \d+\.\d\d MB per invocation \(\d+\.\d\d bytes per byte of decompressed JSON\)$", lines[3]);
        Assert.Matches(@"^  peak working set \d+ MiB", lines[4]);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task Coldstart_starts_the_real_function_against_a_loopback_runtime_api_and_times_its_first_response()
    {
        var function = Path.Combine(AppContext.BaseDirectory, "LokiShipper.dll");

        Assert.Equal(0, await Run("coldstart", "--runs", "2", "--event", TestEvents.SamplePath("cloudwatch-logs.json"), "--", "dotnet", function));

        var lines = Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"coldstart dotnet {function}: process start -> first invocation response, 2 runs", lines[0]);
        Assert.Matches(@"^  min \d+ ms   median \d+ ms   max \d+ ms   \(\d+, \d+\)$", lines[1]);
    }

    [Fact]
    public async Task Coldstart_says_when_the_function_reports_an_error_instead_of_a_response()
    {
        var function = Path.Combine(AppContext.BaseDirectory, "LokiShipper.dll");
        var command = new ColdStartCommand();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => command.RunAsync(
            ["dotnet", function], Encoding.UTF8.GetBytes("""{"not":"an event"}"""), 1, new Dictionary<string, string>(), TimeSpan.FromSeconds(30)));

        Assert.Equal("the function reported an error at /2018-06-01/runtime/invocation/coldstart-1/error", ex.Message);
    }

    [Fact]
    public void Bench_measures_events_line_bytes_and_decompressed_bytes_of_each_event_shape()
    {
        var sample = File.ReadAllBytes(TestEvents.SamplePath("cloudwatch-logs.json"));
        var record = TestSources.DecodeEvent(sample);
        var lineBytes = record.LogEvents.Sum(e => e.Utf8.Length);

        var (events, lines, input) = BenchCommand.Measure(sample);

        Assert.Equal((4, lineBytes), (events, lines));
        Assert.InRange(input, lineBytes, lineBytes * 3);
        Assert.Equal((events, lines, input), BenchCommand.Measure(File.ReadAllBytes(TestEvents.SamplePath("sqs-redrive.json"))));
        Assert.Equal(9, BenchCommand.Measure(File.ReadAllBytes(TestEvents.SamplePath("kinesis-cloudwatch.json"))).Events);
    }

    [Fact]
    public async Task Events_kinesis_prints_records_of_the_log_groups_in_turn_after_a_control_message()
    {
        Assert.Equal(0, await Run("events", "kinesis", "--log-group", "/aws/lambda/a", "--log-group", "/ecs/b", "--records", "3", "--count", "2", "--message", "m0", "--message", "m1", "--message", "m2", "--control-message"));

        var items = TestSources.Read(_stdout.ToArray()).Items;
        Assert.Equal(4, items.Count);
        Assert.Empty(items[0].Records); // a control message holds no log lines
        Assert.Null(items[0].Error);
        Assert.Equal(["/aws/lambda/a", "/ecs/b", "/aws/lambda/a"], items.Skip(1).Select(i => TestSources.OriginOf(i).LogGroup));
        Assert.Equal(["m0", "m1", "m2", "m0", "m1", "m2"], items.Skip(1).SelectMany(i => i.Records.Single().Lines).Select(e => e.Text));
        Assert.Equal(
            items.Skip(1).SelectMany(i => i.Records.Single().Lines).Select(e => e.TimestampNs).Order(),
            items.Skip(1).SelectMany(i => i.Records.Single().Lines).Select(e => e.TimestampNs));
        Assert.All(items.Skip(1), i => Assert.Equal("arn:aws:kinesis:eu-west-1:123456789012:stream/loki-shipper-logs", Assert.IsType<KinesisOrigin>(TestSources.OriginOf(i)).StreamArn));
    }

    private const string S3Bucket = "alb-logs-111122223333";

    /// <summary>A key with a space, a plus and an equals sign, under a Hive-style prefix.</summary>
    private const string S3Key = "AWSLogs/111122223333/custom logs/dt=2026-11-22/a+b c.log.gz";

    /// <summary>The key as S3 writes it in its event notification (form-URL-encoding, slashes left as they are).</summary>
    private const string S3KeyEncoded = "AWSLogs/111122223333/custom+logs/dt%3D2026-11-22/a%2Bb+c.log.gz";

    /// <summary>The S3 event notification: one ObjectCreated:Put record naming the object.</summary>
    private static void AssertS3Notification(JsonElement notification, string region = "eu-west-1", long size = 1024, string? versionId = null)
    {
        var record = Assert.Single(notification.GetProperty("Records").EnumerateArray());
        Assert.Equal(("2.1", "aws:s3", "ObjectCreated:Put", region), (record.GetProperty("eventVersion").GetString(), record.GetProperty("eventSource").GetString(), record.GetProperty("eventName").GetString(), record.GetProperty("awsRegion").GetString()));
        Assert.True(DateTimeOffset.TryParse(record.GetProperty("eventTime").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        var s3 = record.GetProperty("s3");
        Assert.Equal("1.0", s3.GetProperty("s3SchemaVersion").GetString());
        Assert.Equal(S3Bucket, s3.GetProperty("bucket").GetProperty("name").GetString());
        Assert.Equal($"arn:aws:s3:::{S3Bucket}", s3.GetProperty("bucket").GetProperty("arn").GetString());
        var obj = s3.GetProperty("object");
        Assert.Equal(S3KeyEncoded, obj.GetProperty("key").GetString());
        Assert.Equal(S3Key, WebUtility.UrlDecode(obj.GetProperty("key").GetString()));
        Assert.Equal(size, obj.GetProperty("size").GetInt64());
        Assert.Matches("^[0-9a-f]{32}$", obj.GetProperty("eTag").GetString());
        Assert.Matches("^[0-9A-F]{18}$", obj.GetProperty("sequencer").GetString());
        Assert.Equal(versionId, obj.TryGetProperty("versionId", out var version) ? version.GetString() : null);
    }

    /// <summary>EventBridge's Object Created event: the key as stored, not encoded.</summary>
    private static void AssertObjectCreated(JsonElement created, string region = "eu-west-1")
    {
        Assert.Equal(("0", "Object Created", "aws.s3", region, "123456789012"), (created.GetProperty("version").GetString(), created.GetProperty("detail-type").GetString(), created.GetProperty("source").GetString(), created.GetProperty("region").GetString(), created.GetProperty("account").GetString()));
        Assert.Equal([$"arn:aws:s3:::{S3Bucket}"], created.GetProperty("resources").EnumerateArray().Select(r => r.GetString()));
        var detail = created.GetProperty("detail");
        Assert.Equal(S3Bucket, detail.GetProperty("bucket").GetProperty("name").GetString());
        Assert.Equal(S3Key, detail.GetProperty("object").GetProperty("key").GetString());
        Assert.Equal(1024, detail.GetProperty("object").GetProperty("size").GetInt64());
        Assert.Equal("PutObject", detail.GetProperty("reason").GetString());
    }

    private static JsonElement SingleSqsBody(JsonElement sqs, string region = "eu-west-1")
    {
        var message = Assert.Single(sqs.GetProperty("Records").EnumerateArray());
        Assert.Equal(("aws:sqs", region), (message.GetProperty("eventSource").GetString(), message.GetProperty("awsRegion").GetString()));
        Assert.StartsWith($"arn:aws:sqs:{region}:123456789012:", message.GetProperty("eventSourceARN").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(message.GetProperty("messageId").GetString()));
        var body = message.GetProperty("body").GetString()!;
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body))), message.GetProperty("md5OfBody").GetString());
        return JsonDocument.Parse(body).RootElement;
    }

    [Theory]
    [InlineData("direct")]
    [InlineData("sns")]
    [InlineData("sqs")]
    [InlineData("sns-sqs")]
    [InlineData("eventbridge")]
    [InlineData("eventbridge-sqs")]
    public async Task Events_s3_prints_the_event_AWS_sends_with_the_key_encoded_as_S3_encodes_it(string via)
    {
        Assert.Equal(0, await Run("events", "s3", "--bucket", S3Bucket, "--key", S3Key, "--via", via));

        var root = JsonDocument.Parse(_stdout.ToArray()).RootElement;
        switch (via)
        {
            case "direct":
                AssertS3Notification(root);
                break;
            case "sns":
                var sns = Assert.Single(root.GetProperty("Records").EnumerateArray());
                Assert.Equal(("aws:sns", "1.0"), (sns.GetProperty("EventSource").GetString(), sns.GetProperty("EventVersion").GetString()));
                Assert.Equal("Notification", sns.GetProperty("Sns").GetProperty("Type").GetString());
                Assert.StartsWith("arn:aws:sns:eu-west-1:123456789012:", sns.GetProperty("Sns").GetProperty("TopicArn").GetString(), StringComparison.Ordinal);
                AssertS3Notification(JsonDocument.Parse(sns.GetProperty("Sns").GetProperty("Message").GetString()!).RootElement);
                break;
            case "sqs":
                AssertS3Notification(SingleSqsBody(root));
                break;
            case "sns-sqs":
                var envelope = SingleSqsBody(root);
                Assert.Equal("Notification", envelope.GetProperty("Type").GetString());
                Assert.StartsWith("arn:aws:sns:eu-west-1:123456789012:", envelope.GetProperty("TopicArn").GetString(), StringComparison.Ordinal);
                AssertS3Notification(JsonDocument.Parse(envelope.GetProperty("Message").GetString()!).RootElement);
                break;
            case "eventbridge":
                AssertObjectCreated(root);
                break;
            case "eventbridge-sqs":
                AssertObjectCreated(SingleSqsBody(root));
                break;
        }

        // The function takes it as an S3 event naming that one object, with its key decoded (nothing is read yet).
        using var input = TestSources.Read(_stdout.ToArray());
        var item = Assert.Single(input.Items);
        Assert.Null(item.Error);
        Assert.NotNull(item.Reader);
        Assert.Equal(via.EndsWith("sqs", StringComparison.Ordinal) ? "sqs" : "s3", input.Source);
        if (input.Source == "s3")
        {
            Assert.Equal($"s3://{S3Bucket}/{S3Key}", item.Id);
        }
    }

    [Fact]
    public async Task Events_s3_takes_the_region_size_version_and_account()
    {
        Assert.Equal(0, await Run("events", "s3", "--bucket", S3Bucket, "--key", S3Key, "--region", "us-east-2", "--size", "52428800", "--version-id", "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", "--owner", "444455556666"));

        AssertS3Notification(JsonDocument.Parse(_stdout.ToArray()).RootElement, "us-east-2", 52428800, "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
    }

    [Theory]
    [InlineData("plain.log", "plain.log")]
    [InlineData("a b", "a+b")]
    [InlineData("a+b", "a%2Bb")]
    [InlineData("k=v/x", "k%3Dv/x")]
    [InlineData("100% done", "100%25+done")]
    [InlineData("logs/été.log", "logs/%C3%A9t%C3%A9.log")]
    [InlineData("2026-11-22T16:00:00Z (copy)~", "2026-11-22T16%3A00%3A00Z+%28copy%29%7E")]
    [InlineData("-_.*", "-_.*")]
    public void S3_keys_are_form_URL_encoded_but_for_slashes(string key, string encoded)
    {
        Assert.Equal(encoded, S3EventWriter.EncodeKey(key));
        Assert.Equal(key, WebUtility.UrlDecode(encoded));
    }

    [Theory]
    [InlineData(new[] { "events", "s3", "--bucket", "b" }, "events s3 needs --bucket and --key")]
    [InlineData(new[] { "events", "s3", "--key", "k" }, "events s3 needs --bucket and --key")]
    [InlineData(new[] { "events", "s3", "--bucket", "b", "--key", "k", "--via", "kinesis" }, "--via takes direct, sns, sqs, sns-sqs, eventbridge, eventbridge-sqs, not 'kinesis'")]
    [InlineData(new[] { "events", "s3", "--bucket", "b", "--key", "k", "--size", "-1" }, "--size takes a whole number greater than 0, not '-1'")]
    [InlineData(new[] { "events", "s3", "--bucket", "b", "--key", "k", "--log-group", "g" }, "unknown argument --log-group")]
    public async Task Events_s3_usage_errors_exit_2_with_a_message(string[] args, string message)
    {
        Assert.Equal(2, await Run(args));

        Assert.Contains($"error: {message}", _stderr.ToString());
        Assert.Contains("events s3 --bucket B --key K", _stderr.ToString());
    }

    [Fact]
    public async Task Events_cloudwatch_takes_messages_from_a_file_one_per_line()
    {
        var corpus = TestEvents.Loghub("Apache_2k.log")!;
        var file = TestEvents.LoghubPath("Apache_2k.log")!;

        Assert.Equal(0, await Run("events", "cloudwatch", "--log-group", "/aws/apigateway/web", "--message-file", file, "--count", "2500"));

        var record = TestSources.DecodeEvent(maxDecompressedBytes: 64 << 20, eventJson: _stdout.ToArray());
        Assert.Equal(2500, record.LogEvents.Count);
        Assert.Equal(corpus.Concat(corpus.Take(500)), record.LogEvents.Select(e => e.Text));
    }
}
