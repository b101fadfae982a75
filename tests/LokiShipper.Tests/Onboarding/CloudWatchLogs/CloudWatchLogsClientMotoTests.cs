using LokiShipper.Onboarding.CloudWatchLogs;

namespace LokiShipper.Tests.Onboarding.CloudWatchLogs;

/// <summary>The client against moto's CloudWatch Logs: real JSON 1.1 requests, real answers, real error bodies.</summary>
public sealed class CloudWatchLogsClientMotoTests(MotoLogs moto) : IClassFixture<MotoLogs>
{
    [SkippableFact]
    public async Task DescribeLogGroups_ReadsEveryPageOfAPrefix()
    {
        moto.SkipIfUnavailable();
        // 60 groups: moto, like AWS, answers 50 at most per page, so the last 10 come only by following nextToken.
        var names = Enumerable.Range(0, 60).Select(i => $"/paging/app-{i:00}").ToList();
        await moto.CreateLogGroupsAsync([.. names, "/other/not-in-prefix"]);
        using var client = moto.NewClient();

        var groups = await client.DescribeLogGroupsAsync("/paging/");

        Assert.Equal(names, groups.Select(g => g.Name).Order(StringComparer.Ordinal));
        Assert.All(groups, g => Assert.Null(g.RetentionInDays));
        Assert.All(groups, g => Assert.StartsWith($"arn:aws:logs:{MotoLogs.Region}:123456789012:log-group:{g.Name}", g.Arn, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task PutRetentionPolicy_ShowsInDescribeLogGroups()
    {
        moto.SkipIfUnavailable();
        await moto.CreateLogGroupsAsync(["/retention/kept", "/retention/untouched"]);
        using var client = moto.NewClient();

        await client.PutRetentionPolicyAsync("/retention/kept", 14);
        var groups = (await client.DescribeLogGroupsAsync("/retention/")).ToDictionary(g => g.Name, g => g.RetentionInDays);

        Assert.Equal(14, groups["/retention/kept"]);
        Assert.Null(groups["/retention/untouched"]);
    }

    [SkippableFact]
    public async Task SubscriptionFilters_PutDescribeDelete()
    {
        moto.SkipIfUnavailable();
        const string group = "/subscriptions/checkout";
        await moto.CreateLogGroupsAsync([group]);
        using var client = moto.NewClient();
        const string role = "arn:aws:iam::123456789012:role/cwl-to-kinesis";

        await client.PutSubscriptionFilterAsync(group, "loki", "", moto.StreamArn, role);
        // Replacing a filter in place is a put with the same name. (moto 5.2 counts the filters before it looks for the
        // name, so a replace while the group has two fails there with LimitExceededException; AWS replaces it.)
        await client.PutSubscriptionFilterAsync(group, "loki", "[level != DEBUG]", moto.StreamArn, role);
        await client.PutSubscriptionFilterAsync(group, "errors", "ERROR", moto.StreamArn, role);
        var filters = (await client.DescribeSubscriptionFiltersAsync(group)).OrderBy(f => f.FilterName, StringComparer.Ordinal).ToList();

        Assert.Equal(
            [new SubscriptionFilterInfo("errors", moto.StreamArn, "ERROR", role), new SubscriptionFilterInfo("loki", moto.StreamArn, "[level != DEBUG]", role)],
            filters);

        await client.DeleteSubscriptionFilterAsync(group, "errors");
        var left = await client.DescribeSubscriptionFiltersAsync(group);
        Assert.Equal("loki", Assert.Single(left).FilterName);
    }

    [SkippableFact]
    public async Task AThirdSubscriptionFilter_IsLimitExceeded_NotRetried()
    {
        moto.SkipIfUnavailable();
        const string group = "/subscriptions/full";
        await moto.CreateLogGroupsAsync([group]);
        using var client = moto.NewClient();
        await client.PutSubscriptionFilterAsync(group, "one", "", moto.StreamArn);
        await client.PutSubscriptionFilterAsync(group, "two", "", moto.StreamArn);

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.PutSubscriptionFilterAsync(group, "three", "", moto.StreamArn));

        Assert.Equal("LimitExceededException", error.ErrorCode);
        Assert.Equal(1, error.Attempts);
        Assert.Contains(group, error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AMissingLogGroup_IsResourceNotFound_NamingOperationAndGroup()
    {
        moto.SkipIfUnavailable();
        using var client = moto.NewClient();

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.PutRetentionPolicyAsync("/does/not/exist", 7));

        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Equal("PutRetentionPolicy", error.Operation);
        Assert.Equal("/does/not/exist", error.LogGroup);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal(1, error.Attempts);
        Assert.StartsWith("CloudWatch Logs PutRetentionPolicy for log group '/does/not/exist' failed with ResourceNotFoundException", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task DeletingAMissingFilter_IsResourceNotFound()
    {
        moto.SkipIfUnavailable();
        const string group = "/subscriptions/empty";
        await moto.CreateLogGroupsAsync([group]);
        using var client = moto.NewClient();

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DeleteSubscriptionFilterAsync(group, "never-made"));

        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Equal("DeleteSubscriptionFilter", error.Operation);
    }
}
