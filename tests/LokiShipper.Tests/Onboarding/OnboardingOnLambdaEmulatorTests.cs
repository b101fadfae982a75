using System.Net;
using System.Text.Json;
using LokiShipper.Tests.Onboarding.CloudWatchLogs;
using LokiShipper.Tests.Support;
using Xunit.Abstractions;

namespace LokiShipper.Tests.Onboarding;

/// <summary>
/// Onboarding in the function as Lambda runs it: the published function under the real Lambda Runtime Interface
/// Emulator, its SigV4-signed calls going to moto's CloudWatch Logs (<c>AWS_ENDPOINT_URL_LOGS</c>), its answer to
/// CloudFormation PUT to moto's S3.
/// </summary>
public sealed class OnboardingOnLambdaEmulatorTests(MotoLogs moto, ITestOutputHelper output) : IClassFixture<MotoLogs>
{
    [SkippableFact]
    public async Task TheDeploySweep_AndALaterCreateLogGroup_SubscribeTheGroups()
    {
        moto.SkipIfUnavailable();
        await LambdaEmulator.PublishedAsync();
        await moto.CreateLogGroupsAsync(["/rie/existing", "/rie/loki-shipper"]);
        var environment = OnboardingTestEvents.Environment("/rie/")
            .Select(pair => (pair.Key, pair.Value))
            .Concat([
                ("WRITE_ADDRESS", "http://127.0.0.1:9/loki/api/v1/push"), // onboarding pushes nothing
                ("AWS_ENDPOINT_URL_LOGS", moto.Endpoint.ToString()),
                ("AWS_ACCESS_KEY_ID", "testing"),
                ("AWS_SECRET_ACCESS_KEY", "testing"),
            ])
            .ToArray();
        await using var emulator = await LambdaEmulator.StartAsync(environment);

        var (sweepStatus, _) = await emulator.InvokeAsync(OnboardingTestEvents.CustomResource("Create", moto.ResponseUrl("rie-create"), OnboardingTestEvents.Properties("/rie/")));
        await moto.CreateLogGroupsAsync(["/rie/later"]);
        var (createdStatus, createdBody) = await emulator.InvokeAsync(OnboardingTestEvents.Created("/rie/later"));
        output.WriteLine(await emulator.OutputOnceAsync("REPORT RequestId:", times: 2));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (sweepStatus, createdStatus));
        using (var answer = JsonDocument.Parse(await moto.ReadResponseAsync("rie-create")))
        {
            Assert.Equal(
                ("SUCCESS", "1 log groups selected: 1 subscribed, 0 updated, 0 already subscribed, retention set on 0, filter removed from 0"),
                (answer.RootElement.GetProperty("Status").GetString(), answer.RootElement.GetProperty("Reason").GetString()));
        }

        using (var created = JsonDocument.Parse(createdBody))
        {
            Assert.Equal(["/rie/later"], created.RootElement.GetProperty("subscribed_log_groups").EnumerateArray().Select(e => e.GetString()));
        }

        using var client = moto.NewClient();
        Assert.Equal(OnboardingTestEvents.FilterName, Assert.Single(await client.DescribeSubscriptionFiltersAsync("/rie/existing")).FilterName);
        Assert.Equal(OnboardingTestEvents.FilterName, Assert.Single(await client.DescribeSubscriptionFiltersAsync("/rie/later")).FilterName);
        Assert.Empty(await client.DescribeSubscriptionFiltersAsync("/rie/loki-shipper"));
        Assert.Equal(30, Assert.Single(await client.DescribeLogGroupsAsync("/rie/later")).RetentionInDays);
    }
}
