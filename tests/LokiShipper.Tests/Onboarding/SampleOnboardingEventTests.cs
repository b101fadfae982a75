using System.Text.Json;
using LokiShipper.Tests.Onboarding.CloudWatchLogs;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Onboarding;

/// <summary>events/log-group-created.json through the CLI's <c>invoke</c>, as the docs show it, against moto's CloudWatch Logs.</summary>
public sealed class SampleOnboardingEventTests(MotoLogs moto) : IClassFixture<MotoLogs>
{
    [SkippableFact]
    public async Task The_sample_new_log_group_is_subscribed_and_given_its_retention()
    {
        moto.SkipIfUnavailable();
        await moto.CreateLogGroupsAsync(["/aws/lambda/orders"]);

        var run = await ChildProcess.RunCliAsync(
            new Dictionary<string, string>
            {
                ["SUBSCRIPTION_SCOPE"] = "prefixes",
                ["LOG_GROUP_PREFIXES"] = "/aws/lambda/",
                ["SUBSCRIPTION_FILTER_NAME"] = "loki-shipper-to-kinesis",
                ["SUBSCRIPTION_DESTINATION_ARN"] = MotoLogs.StreamArnValue,
                ["SUBSCRIPTION_ROLE_ARN"] = MotoLogs.RoleArn,
                ["RETENTION_IN_DAYS"] = "14",
                ["AWS_REGION"] = MotoLogs.Region,
                ["AWS_ENDPOINT_URL_LOGS"] = moto.Endpoint.ToString(),
                ["AWS_ACCESS_KEY_ID"] = "testing",
                ["AWS_SECRET_ACCESS_KEY"] = "testing",
            },
            "invoke",
            TestEvents.SamplePath("log-group-created.json"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        var summary = run.Stderr.Split('\n').Single(l => l.StartsWith("{\"event\":", StringComparison.Ordinal));
        using var parsed = JsonDocument.Parse(summary);
        Assert.Equal(
            ("log_group_created", "onboarded", "/aws/lambda/orders", 1, 1),
            (parsed.RootElement.GetProperty("onboarding").GetString(), parsed.RootElement.GetProperty("action").GetString(), parsed.RootElement.GetProperty("log_group").GetString(),
             parsed.RootElement.GetProperty("subscribed").GetInt32(), parsed.RootElement.GetProperty("retention_set").GetInt32()));
        using var client = moto.NewClient();
        Assert.Equal("loki-shipper-to-kinesis", Assert.Single(await client.DescribeSubscriptionFiltersAsync("/aws/lambda/orders")).FilterName);
        Assert.Equal(14, Assert.Single(await client.DescribeLogGroupsAsync("/aws/lambda/orders")).RetentionInDays);
    }
}
