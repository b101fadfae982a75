using System.Net;
using System.Text.Json;
using Xunit.Abstractions;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Runtime;

/// <summary>
/// The function as <c>sam build</c> publishes it for the managed <c>dotnet10</c> runtime (ReadyToRun, linux-x64),
/// started by the real AWS Lambda Runtime Interface Emulator 1.24 through a bootstrap that does what the managed
/// runtime does, pushing to a real Loki 3.
/// </summary>
/// <remarks>
/// What the emulator answers (1.24): a function response is 200 with the body the function posted; a function error
/// (<c>/invocation/ID/error</c>) is also 200, with the error document as the body and no error header; an init error
/// (<c>/runtime/init/error</c>, then exit) is 502 with the error document, and the emulator starts the function again
/// on every later invocation, so each answers 502 the same way.
/// </remarks>
public sealed class LambdaEmulatorTests(ITestOutputHelper output)
{
    private readonly string _id = Guid.NewGuid().ToString("N");
    private readonly long _baseMs = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();

    [SkippableFact]
    public async Task A_fresh_subscription_event_answers_its_summary_and_every_line_is_in_loki()
    {
        var loki = await RealLokis.GetAsync("3");
        await using var emulator = await StartAsync([.. loki.ShipperVariables]);
        var logGroup = $"/aws/lambda/rie-{_id}";
        string[] lines = ["START RequestId: 7 Version: $LATEST", "ünïcödé \"quoted\" \\ and\ttab", "END RequestId: 7"];

        var (status, body) = await emulator.InvokeAsync(TestEvents.CloudWatch(logGroup, "2026/11/22/[$LATEST]rie", [.. lines.Select((l, i) => (_baseMs + i, l))]));
        output.WriteLine(await emulator.OutputOnceAsync("REPORT RequestId:"));

        Assert.Equal(HttpStatusCode.OK, status);
        using var summary = JsonDocument.Parse(body);
        Assert.Equal(
            (true, "cloudwatch", logGroup, 3L, 3L),
            (summary.RootElement.GetProperty("ok").GetBoolean(), summary.RootElement.GetProperty("source").GetString(), summary.RootElement.GetProperty("log_group").GetString(),
             summary.RootElement.GetProperty("entries_in").GetInt64(), summary.RootElement.GetProperty("entries_pushed").GetInt64()));
        var stored = Assert.Single(await loki.Query.StoredStreamsAsync(LokiQuery.Selector("log_group", logGroup), lines.Length));
        Assert.Equal(lines.Select((l, i) => ((_baseMs + i) * 1_000_000, l)), stored.Entries.Select(e => (e.TimestampNs, e.Line)));
        Assert.Equal(("eu-west-1", "lambda"), (stored.Labels["aws_region"], stored.Labels["aws_service"]));
        Assert.All(stored.Entries, e => Assert.Equal("2026/11/22/[$LATEST]rie", e.Metadata["log_stream"]));
    }

    [SkippableFact]
    public async Task A_malformed_event_answers_an_InvalidEvent_error_and_the_next_invocation_still_works()
    {
        var loki = await RealLokis.GetAsync("3");
        await using var emulator = await StartAsync([.. loki.ShipperVariables]);
        var logGroup = $"/aws/lambda/rie-next-{_id}";

        var (badStatus, badBody) = await emulator.InvokeAsync("""{"awslogs":{"data":"???"}}"""u8.ToArray());
        var (goodStatus, goodBody) = await emulator.InvokeAsync(TestEvents.CloudWatch(logGroup, "s", (_baseMs, "after the bad one")));
        var log = await emulator.OutputOnceAsync("REPORT RequestId:", times: 2);
        output.WriteLine(log);

        Assert.Equal(HttpStatusCode.OK, badStatus); // the emulator answers a function error with 200 and the error document
        using (var error = JsonDocument.Parse(badBody))
        {
            Assert.Equal(
                ("InvalidEvent", "awslogs.data is not valid base64"),
                (error.RootElement.GetProperty("errorType").GetString(), error.RootElement.GetProperty("errorMessage").GetString()));
        }

        Assert.Equal(HttpStatusCode.OK, goodStatus);
        using (var summary = JsonDocument.Parse(goodBody))
        {
            Assert.Equal(1, summary.RootElement.GetProperty("entries_pushed").GetInt64());
        }

        var stored = Assert.Single(await loki.Query.StoredStreamsAsync(LokiQuery.Selector("log_group", logGroup), 1));
        Assert.Equal([(_baseMs * 1_000_000, "after the bad one")], stored.Entries.Select(e => (e.TimestampNs, e.Line)));
        Assert.Equal(1, LambdaEmulator.CountOf(log, "INIT RTDONE(status: success)")); // one runtime process served both
    }

    [SkippableFact]
    public async Task A_configuration_error_is_an_init_error_naming_BATCH_SIZE_on_every_invocation()
    {
        // No Loki needed: the function stops at cold start, before any push.
        await using var emulator = await StartAsync(("WRITE_ADDRESS", "http://127.0.0.1:9/"), ("BATCH_SIZE", "1MB"));
        var payload = TestEvents.CloudWatch($"/aws/lambda/rie-bad-{_id}", "s", (_baseMs, "never shipped"));

        var first = await emulator.InvokeAsync(payload);
        var second = await emulator.InvokeAsync(payload);
        var log = await emulator.OutputOnceAsync("INIT RTDONE(status: error)", times: 2);
        output.WriteLine(log);

        Assert.Equal(HttpStatusCode.BadGateway, first.Status);
        using var error = JsonDocument.Parse(first.Body);
        Assert.Equal("Configuration", error.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("BATCH_SIZE must be a whole number from 1 to 104857600", error.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadGateway, first.Body), second); // the emulator starts the function again, which fails the same way
        Assert.Equal(2, LambdaEmulator.CountOf(log, "INIT RTDONE(status: error)"));
    }

    private async Task<LambdaEmulator> StartAsync(params (string Name, string Value)[] environment)
    {
        var published = await LambdaEmulator.PublishedAsync();
        output.WriteLine($"published to {published.TaskRoot} in {published.PublishTime.TotalSeconds:F1} s (once per test run)");
        return await LambdaEmulator.StartAsync(environment);
    }
}
