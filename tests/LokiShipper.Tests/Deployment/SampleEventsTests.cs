using System.Text;
using System.Text.Json;
using LokiShipper.Cli;
using LokiShipper.Pipeline;
using LokiShipper.Sources.CloudWatch;
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

    private readonly StringWriter _stderr = new();
    private LokiReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LokiReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public void Every_file_in_events_is_a_tested_sample()
    {
        var files = Directory.GetFiles(Path.GetDirectoryName(TestEvents.SamplePath("x"))!, "*.json").Select(Path.GetFileName);

        Assert.Equal(Samples.Concat(OtherSamples).Select(row => (string)row[0]).Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));
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
