using LokiShipper.Diagnostics;
using LokiShipper.Function;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.EndToEnd;

/// <summary>
/// The real handler, real HTTP over loopback, real snappy/protobuf/JSON. Against the in-process receiver by default;
/// against a real Loki when LOKI_URL is set (receiver-only scenarios are then skipped by returning early).
/// </summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private LokiTarget _target = null!;
    private readonly StringWriter _log = new();
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];

    // Recent timestamps, so a real Loki accepts them (it refuses entries older than 7 days by default).
    private readonly long _baseMs = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();

    public async Task InitializeAsync() => _target = await LokiTarget.StartAsync();

    public async Task DisposeAsync() => await _target.DisposeAsync();

    private ShipperFunction Handler(params (string, string)[] variables)
    {
        var options = TestOptions.From([("WRITE_ADDRESS", _target.WriteAddress.ToString()), ("AWS_REGION", "eu-west-1"), .. variables]);
        return Composition.CreateFunction(options, new ShipperLog(_log, LogLevel.Info), TimeProvider.System);
    }

    private static InvocationContext Context() => new("e2e", DateTimeOffset.UtcNow.AddSeconds(60));

    private string LogGroup => $"/aws/lambda/e2e-{_id}";

    [Theory]
    [InlineData("protobuf")]
    [InlineData("json")]
    public async Task Every_label_line_and_nanosecond_arrives_in_either_format(string format)
    {
        var lines = new[] { "START RequestId: 1 Version: $LATEST", "  ünïcödé ✓ 🚀 \"quoted\" \\ back\tslash  ", "END RequestId: 1" };
        var payload = TestEvents.CloudWatch(LogGroup, "2026/11/22/[$LATEST]s1", [.. lines.Select((l, i) => (_baseMs + i, l))]);

        await Handler(("LOKI_PUSH_FORMAT", format), ("JSON_STRUCTURED_METADATA", "true")).HandleAsync(payload, Context(), CancellationToken.None);

        var stream = Assert.Single(await _target.StoredStreamsAsync("log_group", LogGroup, lines.Length));
        var expectedLabels = new Dictionary<string, string>
        {
            ["service_name"] = $"e2e-{_id}",
            ["aws_service"] = "lambda",
            ["log_group"] = LogGroup,
            ["aws_account_id"] = TestEvents.Owner,
            ["aws_region"] = "eu-west-1",
        };
        Assert.Subset(stream.Labels.ToHashSet(), expectedLabels.ToHashSet());
        Assert.Equal(lines, stream.Entries.Select(e => e.Line));
        Assert.Equal(lines.Select((_, i) => (_baseMs + i) * 1_000_000), stream.Entries.Select(e => e.TimestampNs));
        if (!_target.IsRealLoki)
        {
            Assert.Equal(expectedLabels, stream.Labels);
            Assert.All(stream.Entries, e => Assert.Equal("2026/11/22/[$LATEST]s1", e.Metadata["log_stream"]));
            var push = Assert.Single(_target.Receiver!.Received);
            Assert.Equal(format == "json" ? "application/json" : "application/x-protobuf", push.ContentType);
            Assert.Equal(format == "json" ? "gzip" : null, push.ContentEncoding);
        }
    }

    [Fact]
    public async Task A_kinesis_event_of_several_log_groups_and_a_plain_json_record_arrives_exactly()
    {
        var other = $"/ecs/e2e-{_id}";
        var kinesis = TestEvents.Kinesis(
            TestEvents.KinesisData(LogGroup, "s1", (_baseMs, "lambda line 1"), (_baseMs + 1, "lambda line 2")),
            LokiShipper.Cli.SubscriptionEventWriter.RecordJson(other, "task/1", [new LokiShipper.Cli.SampleLogEvent(_baseMs + 2, "ecs line, not gzip'd")], TestEvents.Owner),
            TestEvents.KinesisData(LogGroup, "s2", (_baseMs + 3, "lambda line 3")));

        var response = System.Text.Encoding.UTF8.GetString(await Handler().HandleAsync(kinesis, Context(), CancellationToken.None));

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        var lambda = Assert.Single(await _target.StoredStreamsAsync("log_group", LogGroup, 3));
        var ecs = Assert.Single(await _target.StoredStreamsAsync("log_group", other, 1));
        Assert.Equal(
            [(_baseMs * 1_000_000, "lambda line 1"), ((_baseMs + 1) * 1_000_000, "lambda line 2"), ((_baseMs + 3) * 1_000_000, "lambda line 3")],
            lambda.Entries.Select(e => (e.TimestampNs, e.Line)));
        Assert.Equal([((_baseMs + 2) * 1_000_000, "ecs line, not gzip'd")], ecs.Entries.Select(e => (e.TimestampNs, e.Line)));
        Assert.Equal(("ecs", $"e2e-{_id}"), (ecs.Labels["aws_service"], ecs.Labels["service_name"]));
        if (!_target.IsRealLoki)
        {
            Assert.Single(_target.Receiver!.Received); // both log groups in one request
        }
    }

    [Fact]
    public async Task Lambda_promtail_labels_arrive_unchanged()
    {
        var payload = TestEvents.CloudWatch(LogGroup, "stream-a", (_baseMs, "one"), (_baseMs + 1, "two"));

        await Handler(("LABEL_SCHEME", "lambda-promtail"), ("KEEP_STREAM", "true"), ("EXTRA_LABELS", "env,e2e")).HandleAsync(payload, Context(), CancellationToken.None);

        var stream = Assert.Single(await _target.StoredStreamsAsync("__aws_cloudwatch_log_group", LogGroup, 2));
        Assert.Subset(stream.Labels.ToHashSet(), new Dictionary<string, string>
        {
            ["__aws_log_type"] = "cloudwatch",
            ["__aws_cloudwatch_log_group"] = LogGroup,
            ["__aws_cloudwatch_owner"] = TestEvents.Owner,
            ["__aws_cloudwatch_log_stream"] = "stream-a",
            ["__extra_env"] = "e2e",
        }.ToHashSet());
        Assert.Equal(["one", "two"], stream.Entries.Select(e => e.Line));
        if (!_target.IsRealLoki)
        {
            Assert.Equal($"{{__aws_cloudwatch_log_group=\"{LogGroup}\", __aws_cloudwatch_log_stream=\"stream-a\", __aws_cloudwatch_owner=\"123456789012\", __aws_log_type=\"cloudwatch\", __extra_env=\"e2e\"}}", stream.LabelsText);
        }
    }

    [Fact]
    public async Task A_large_loghub_event_arrives_complete_across_several_requests()
    {
        var corpus = TestEvents.Loghub("OpenStack_2k.log") ?? throw new InvalidOperationException("TestData/loghub/OpenStack_2k.log is missing");
        var payload = TestEvents.CloudWatch(LogGroup, "s", [.. corpus.Select((l, i) => (_baseMs + i, l))]);

        var response = await Handler(("BATCH_SIZE", "65536")).HandleAsync(payload, Context(), CancellationToken.None);

        var stream = Assert.Single(await _target.StoredStreamsAsync("log_group", LogGroup, corpus.Length));
        Assert.Equal(corpus, stream.Entries.Select(e => e.Line));
        Assert.Equal(corpus.Select((_, i) => (_baseMs + i) * 1_000_000), stream.Entries.Select(e => e.TimestampNs));
        Assert.Contains($"\"entries_in\":{corpus.Length},\"entries_pushed\":{corpus.Length},", System.Text.Encoding.UTF8.GetString(response));
        if (!_target.IsRealLoki)
        {
            Assert.True(_target.Receiver!.Received.Count > 1, "expected several requests at a 64 KiB batch size");
            Assert.All(_target.Receiver.Received, r => Assert.True(r.Streams.Sum(s => s.Entries.Sum(e => System.Text.Encoding.UTF8.GetByteCount(e.Line))) <= 65536));
        }
    }

    [Fact]
    public async Task Partial_acceptance_stores_the_rest_counts_the_rejected_and_resends_nothing()
    {
        if (_target.IsRealLoki)
        {
            return; // the receiver scripts the 400; a real Loki decides for itself
        }

        // Loki 3 counts the two refused entries ("2 errors like: …"): nothing is left to find out.
        var stale = _baseMs - (long)TimeSpan.FromDays(8).TotalMilliseconds;
        _target.Receiver!.Rule = _target.Receiver.RefuseOlderThan((_baseMs - (long)TimeSpan.FromDays(7).TotalMilliseconds) * 1_000_000, LokiVersion.Loki3);
        var payload = TestEvents.CloudWatch(LogGroup, "s", (stale, "STALE line"), (stale, "STALE line"), (_baseMs + 1, "fresh 1"), (_baseMs + 2, "fresh 2"));

        var response = System.Text.Encoding.UTF8.GetString(await Handler().HandleAsync(payload, Context(), CancellationToken.None));

        Assert.Single(_target.Receiver.Received);
        Assert.Equal(["fresh 1", "fresh 2"], Assert.Single(await _target.StoredStreamsAsync("log_group", LogGroup, 2)).Entries.Select(e => e.Line));
        Assert.Contains("\"entries_in\":4,\"entries_pushed\":2,\"entries_rejected\":2,\"rejected\":{\"too_old\":2}", response);
    }

    [Fact]
    public async Task A_5xx_is_retried_and_the_entries_arrive_once()
    {
        if (_target.IsRealLoki)
        {
            return;
        }

        _target.Receiver!.Enqueue(LokiReceiver.Status(503, "ingester not ready"), LokiReceiver.Status(429, "slow down", TimeSpan.FromSeconds(1)));
        var payload = TestEvents.CloudWatch(LogGroup, "s", (_baseMs, "a"), (_baseMs + 1, "b"));

        var response = System.Text.Encoding.UTF8.GetString(await Handler().HandleAsync(payload, Context(), CancellationToken.None));

        Assert.Equal(3, _target.Receiver.Received.Count);
        Assert.Equal(["a", "b"], Assert.Single(await _target.StoredStreamsAsync("log_group", LogGroup, 2)).Entries.Select(e => e.Line));
        Assert.Contains("\"retries\":2", response);
    }

    [Fact]
    public async Task Tenant_auth_and_user_agent_reach_loki()
    {
        if (_target.IsRealLoki)
        {
            return;
        }

        await Handler(("TENANT_ID", "team-a"), ("BEARER_TOKEN", "tok-1")).HandleAsync(TestEvents.CloudWatch(LogGroup, "s", (_baseMs, "x")), Context(), CancellationToken.None);

        var headers = Assert.Single(_target.Receiver!.Received).Headers;
        Assert.Equal("team-a", headers["X-Scope-OrgID"]);
        Assert.Equal("Bearer tok-1", headers["Authorization"]);
        Assert.StartsWith("LokiShipper/", headers["User-Agent"]);
    }

    [Fact]
    public async Task A_permanent_refusal_fails_the_invocation_with_the_status_and_no_secret_in_the_log()
    {
        if (_target.IsRealLoki)
        {
            return;
        }

        _target.Receiver!.Enqueue(LokiReceiver.Status(401, "invalid credentials"));

        var ex = await Assert.ThrowsAsync<InvocationFailedException>(() =>
            Handler(("USERNAME", "alice"), ("PASSWORD", "pw-SECRET-9")).HandleAsync(TestEvents.CloudWatch(LogGroup, "s", (_baseMs, "x")), Context(), CancellationToken.None));

        Assert.Equal("1 of 1 batches could not be delivered (1 entries; Lambda will retry the event): batch 0: Loki answered 401 Unauthorized, which retrying cannot fix: invalid credentials", ex.Message);
        Assert.Contains("\"ok\":false", _log.ToString());
        Assert.DoesNotContain("pw-SECRET-9", _log.ToString() + ex);
    }
}
