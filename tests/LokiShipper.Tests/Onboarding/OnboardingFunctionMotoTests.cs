using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LokiShipper.Configuration;
using LokiShipper.Diagnostics;
using LokiShipper.Function;
using LokiShipper.Onboarding.CloudWatchLogs;
using LokiShipper.Runtime;
using LokiShipper.Tests.Onboarding.CloudWatchLogs;

namespace LokiShipper.Tests.Onboarding;

/// <summary>
/// The function as Lambda runs it (built by <c>Composition</c>), given CloudFormation's custom resource requests and
/// CloudTrail's <c>CreateLogGroup</c> events, against moto's CloudWatch Logs; CloudFormation's answers are PUT to a
/// pre-signed URL of moto's S3, as they are to CloudFormation's bucket, and read back from there.
/// </summary>
public sealed class OnboardingFunctionMotoTests(MotoLogs moto) : IClassFixture<MotoLogs>
{
    private const string FilterName = OnboardingTestEvents.FilterName;

    private readonly StringWriter _log = new();

    private ShipperFunction Function(Dictionary<string, string>? environment = null, Func<ICloudWatchLogs>? logs = null)
    {
        var options = ShipperOptionsParser.Parse(name => environment is not null && environment.TryGetValue(name, out var value) ? value : null);
        return Composition.CreateFunction(options, new ShipperLog(_log, LogLevel.Info), TimeProvider.System, dryRunOutput: Stream.Null, emitMetrics: false, cloudWatchLogs: logs ?? moto.NewClient);
    }

    private static InvocationContext Context(TimeSpan? left = null) => new("req-1", DateTimeOffset.UtcNow + (left ?? TimeSpan.FromMinutes(5)));

    private static Dictionary<string, string> Environment(string prefix) => OnboardingTestEvents.Environment(prefix);

    private static byte[] CreatedEvent(string logGroup) => OnboardingTestEvents.Created(logGroup);

    private byte[] CustomResource(string type, string key, JsonObject properties, JsonObject? old = null) =>
        OnboardingTestEvents.CustomResource(type, moto.ResponseUrl(key), properties, old);

    private static JsonObject Properties(string prefix, string retention = "0") => OnboardingTestEvents.Properties(prefix, retention);

    private async Task<JsonElement> AnswerAsync(string key)
    {
        using var document = JsonDocument.Parse(await moto.ReadResponseAsync(key));
        return document.RootElement.Clone();
    }

    private JsonElement LastSummary()
    {
        var last = _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        using var document = JsonDocument.Parse(last);
        return document.RootElement.Clone();
    }

    private async Task<List<string>> FiltersAsync(string logGroup)
    {
        using var client = moto.NewClient();
        return [.. (await client.DescribeSubscriptionFiltersAsync(logGroup)).Select(f => f.FilterName).Order(StringComparer.Ordinal)];
    }

    [SkippableFact]
    public async Task ANewGroupUnderAPrefix_IsSubscribedAndGivenRetention()
    {
        moto.SkipIfUnavailable();
        await moto.CreateLogGroupsAsync(["/created/orders"]);

        var response = Encoding.UTF8.GetString(await Function(Environment("/created/")).HandleAsync(CreatedEvent("/created/orders"), Context(), CancellationToken.None));

        Assert.Equal([FilterName], await FiltersAsync("/created/orders"));
        using var client = moto.NewClient();
        Assert.Equal(30, Assert.Single(await client.DescribeLogGroupsAsync("/created/orders")).RetentionInDays);
        Assert.Equal(
            """{"onboarding":"log_group_created","action":"onboarded","log_group":"/created/orders","selected":1,"not_selected":0,"subscribed":1,"subscribed_log_groups":["/created/orders"],"retention_set":1,"retention_changes":[{"log_group":"/created/orders","from_days":"never expire","to_days":30}]}""",
            response);
        Assert.Equal("req-1", LastSummary().GetProperty("request_id").GetString());
    }

    [SkippableTheory]
    [InlineData("/created2/loki-shipper", "not selected: outside the prefixes, excluded, or the shipper's own log group")]
    [InlineData("/created2/excluded", "not selected: outside the prefixes, excluded, or the shipper's own log group")]
    [InlineData("/elsewhere/orders", "not selected: outside the prefixes, excluded, or the shipper's own log group")]
    public async Task TheOwnGroup_AnExcludedOne_AndOnesOutsideThePrefixes_AreIgnored(string logGroup, string note)
    {
        moto.SkipIfUnavailable();
        await moto.CreateLogGroupsAsync([logGroup]);

        var response = await Function(Environment("/created2/")).HandleAsync(CreatedEvent(logGroup), Context(), CancellationToken.None);

        Assert.Empty(await FiltersAsync(logGroup));
        using var client = moto.NewClient();
        Assert.Null(Assert.Single(await client.DescribeLogGroupsAsync(logGroup)).RetentionInDays);
        using var answer = JsonDocument.Parse(response);
        Assert.Equal("ignored", answer.RootElement.GetProperty("action").GetString());
        Assert.Equal(note, answer.RootElement.GetProperty("note").GetString());
    }

    [SkippableFact]
    public async Task ANewGroupWithOnboardingOff_IsIgnored_SayingWhy()
    {
        moto.SkipIfUnavailable();
        await moto.CreateLogGroupsAsync(["/off/orders"]);

        var response = Encoding.UTF8.GetString(await Function().HandleAsync(CreatedEvent("/off/orders"), Context(), CancellationToken.None));

        Assert.Empty(await FiltersAsync("/off/orders"));
        Assert.Contains("\"note\":\"onboarding is off", response, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AGroupDeletedBeforeTheEventCame_IsReportedGone()
    {
        moto.SkipIfUnavailable();

        var response = Encoding.UTF8.GetString(await Function(Environment("/gone/")).HandleAsync(CreatedEvent("/gone/short-lived"), Context(), CancellationToken.None));

        Assert.Contains("\"gone\":1,\"gone_log_groups\":[\"/gone/short-lived\"]", response, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ACloudWatchLogsFailure_FailsTheInvocation_SoLambdaRetriesIt()
    {
        moto.SkipIfUnavailable();
        using var handler = new SocketsHttpHandler();
        using var unreachable = new CloudWatchLogsClient(handler, new Uri("http://127.0.0.1:9"), MotoLogs.Region, MotoLogs.Credentials, TimeProvider.System, maxAttempts: 1);

        var error = await Assert.ThrowsAsync<InvocationFailedException>(() =>
            Function(Environment("/fails/"), () => unreachable).HandleAsync(CreatedEvent("/fails/orders"), Context(), CancellationToken.None));

        Assert.Equal("Onboarding", error.ErrorType);
        Assert.StartsWith("CloudWatch Logs DescribeLogGroups failed with NetworkError", error.Message, StringComparison.Ordinal);
        Assert.Equal("/fails/orders", LastSummary().GetProperty("failures")[0].GetProperty("log_group").GetString());
    }

    [SkippableFact]
    public async Task CustomResource_CreateUpdateDelete_AnswersSuccess_AndRemovesOnlyWhatTheStackMade()
    {
        moto.SkipIfUnavailable();
        await moto.CreateLogGroupsAsync(["/cr/a/one", "/cr/a/two", "/cr/b/one", "/cr/loki-shipper"]);
        using var client = moto.NewClient();
        await client.PutSubscriptionFilterAsync("/cr/a/two", "someone-else", "", moto.StreamArn, MotoLogs.RoleArn);
        var function = Function();

        // Create: everything under /cr/ but the shipper's own group.
        await function.HandleAsync(CustomResource("Create", "create", Properties("/cr/", retention: "7")), Context(), CancellationToken.None);
        var created = await AnswerAsync("create");
        Assert.Equal("SUCCESS", created.GetProperty("Status").GetString());
        Assert.Equal("loki-shipper-LogGroupOnboarding", created.GetProperty("PhysicalResourceId").GetString());
        Assert.Equal("7c6d5e4f-3a2b-4c1d-8e9f-0a1b2c3d4e5f", created.GetProperty("RequestId").GetString());
        Assert.Equal("LogGroupOnboarding", created.GetProperty("LogicalResourceId").GetString());
        Assert.Equal("3", created.GetProperty("Data").GetProperty("Subscribed").GetString());
        Assert.Equal("3", created.GetProperty("Data").GetProperty("RetentionSet").GetString());
        Assert.Equal(
            "3 log groups selected: 3 subscribed, 0 updated, 0 already subscribed, retention set on 3, filter removed from 0",
            created.GetProperty("Reason").GetString());
        Assert.Equal([FilterName], await FiltersAsync("/cr/a/one"));
        Assert.Equal([FilterName, "someone-else"], await FiltersAsync("/cr/a/two"));
        Assert.Empty(await FiltersAsync("/cr/loki-shipper"));

        // Update to /cr/a/ only: /cr/b/one loses the stack's filter, the others keep theirs.
        await function.HandleAsync(CustomResource("Update", "update", Properties("/cr/a/"), old: Properties("/cr/", retention: "7")), Context(), CancellationToken.None);
        var updated = await AnswerAsync("update");
        Assert.Equal("SUCCESS", updated.GetProperty("Status").GetString());
        Assert.Equal("loki-shipper-LogGroupOnboarding", updated.GetProperty("PhysicalResourceId").GetString());
        Assert.Equal("1", updated.GetProperty("Data").GetProperty("Removed").GetString());
        Assert.Empty(await FiltersAsync("/cr/b/one"));
        Assert.Equal([FilterName], await FiltersAsync("/cr/a/one"));

        // Delete: the stack's filters go, someone else's stays; retention is left as set.
        await function.HandleAsync(CustomResource("Delete", "delete", Properties("/cr/a/")), Context(), CancellationToken.None);
        var deleted = await AnswerAsync("delete");
        Assert.Equal("SUCCESS", deleted.GetProperty("Status").GetString());
        Assert.Equal("2", deleted.GetProperty("Data").GetProperty("Removed").GetString());
        Assert.Empty(await FiltersAsync("/cr/a/one"));
        Assert.Equal(["someone-else"], await FiltersAsync("/cr/a/two"));
        Assert.Equal(7, Assert.Single(await client.DescribeLogGroupsAsync("/cr/a/one")).RetentionInDays);
    }

    [SkippableFact]
    public async Task CustomResource_WithInvalidProperties_AnswersFailedNamingThem_AndItsRollbackDeleteSucceeds()
    {
        moto.SkipIfUnavailable();
        var properties = Properties("/invalid/", retention: "13");

        await Function().HandleAsync(CustomResource("Create", "invalid-create", properties), Context(), CancellationToken.None);
        await Function().HandleAsync(CustomResource("Delete", "invalid-delete", Properties("/invalid/", retention: "13")), Context(), CancellationToken.None);

        var created = await AnswerAsync("invalid-create");
        Assert.Equal("FAILED", created.GetProperty("Status").GetString());
        Assert.StartsWith("Invalid configuration: RetentionInDays must be 0 (leave retention alone) or one of 1, 3, 5", created.GetProperty("Reason").GetString(), StringComparison.Ordinal);
        var deleted = await AnswerAsync("invalid-delete");
        Assert.Equal("SUCCESS", deleted.GetProperty("Status").GetString());
        Assert.Equal("nothing to remove: the properties were never valid", deleted.GetProperty("Reason").GetString());
    }

    [SkippableFact]
    public async Task CustomResource_WhenCloudWatchLogsCannotBeReached_AnswersFailed_NotHanging()
    {
        moto.SkipIfUnavailable();
        using var handler = new SocketsHttpHandler();
        using var unreachable = new CloudWatchLogsClient(handler, new Uri("http://127.0.0.1:9"), MotoLogs.Region, MotoLogs.Credentials, TimeProvider.System, maxAttempts: 2, baseDelay: TimeSpan.FromMilliseconds(1));

        var response = await Function(logs: () => unreachable).HandleAsync(CustomResource("Create", "unreachable", Properties("/unreachable/")), Context(), CancellationToken.None);

        var answer = await AnswerAsync("unreachable");
        Assert.Equal("FAILED", answer.GetProperty("Status").GetString());
        Assert.StartsWith("CloudWatch Logs DescribeLogGroups failed with NetworkError", answer.GetProperty("Reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"status\":\"FAILED\"", Encoding.UTF8.GetString(response), StringComparison.Ordinal);
    }
}
