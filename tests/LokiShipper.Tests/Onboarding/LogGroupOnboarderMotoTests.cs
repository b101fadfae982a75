using LokiShipper.Onboarding;
using LokiShipper.Onboarding.CloudWatchLogs;
using LokiShipper.Tests.Onboarding.CloudWatchLogs;

namespace LokiShipper.Tests.Onboarding;

/// <summary>
/// Sweeps, retention and removal against moto's CloudWatch Logs: real groups, real filters, real pages. Each test
/// works under its own prefix, as the class shares one moto.
/// </summary>
public sealed class LogGroupOnboarderMotoTests(MotoLogs moto) : IClassFixture<MotoLogs>
{
    private static readonly DateTimeOffset FarDeadline = DateTimeOffset.UtcNow.AddHours(1);

    private static OnboardingOptions Prefixes(string prefix, params string[] excluded) => new(
        SubscriptionScope.Prefixes,
        [],
        [prefix],
        excluded,
        prefix + "loki-shipper",
        "loki-shipper-to-kinesis",
        "",
        MotoLogs.StreamArnValue,
        MotoLogs.RoleArn,
        0,
        false);

    [SkippableFact]
    public async Task Sweep_SubscribesExactlyTheMatchingGroups_AcrossPages_AndLeavesFullOnesAlone()
    {
        moto.SkipIfUnavailable();
        // 55 apps: more than the 50 a DescribeLogGroups page holds.
        var apps = Enumerable.Range(0, 55).Select(i => $"/sweep/app-{i:00}").ToList();
        await moto.CreateLogGroupsAsync([.. apps, "/sweep/full", "/sweep/ours", "/sweep/excluded", "/sweep/loki-shipper", "/sweeping/not-under-prefix"]);
        using var client = moto.NewClient();
        await client.PutSubscriptionFilterAsync("/sweep/full", "datadog", "", moto.StreamArn, MotoLogs.RoleArn);
        await client.PutSubscriptionFilterAsync("/sweep/full", "splunk", "", moto.StreamArn, MotoLogs.RoleArn);
        await client.PutSubscriptionFilterAsync("/sweep/ours", "loki-shipper-to-kinesis", "", moto.StreamArn, MotoLogs.RoleArn);
        var options = Prefixes("/sweep/", "/sweep/excluded");
        var report = new OnboardingReport();

        await new LogGroupOnboarder(client, TimeProvider.System).SweepAsync(options, FarDeadline, report, CancellationToken.None);

        Assert.Equal(apps, report.Subscribed);
        Assert.Equal(["/sweep/ours"], report.AlreadySubscribed);
        var full = Assert.Single(report.Full);
        Assert.Equal("/sweep/full", full.LogGroup);
        Assert.Equal(["datadog", "splunk"], full.FilterNames.Order(StringComparer.Ordinal));
        Assert.Equal(57, report.Examined);
        Assert.Equal(2, report.NotSelected); // the excluded group and the shipper's own
        Assert.True(report.Complete);

        foreach (var app in apps)
        {
            Assert.Equal(
                [new SubscriptionFilterInfo("loki-shipper-to-kinesis", moto.StreamArn, "", MotoLogs.RoleArn)],
                await client.DescribeSubscriptionFiltersAsync(app));
        }

        Assert.Equal(["datadog", "splunk"], (await client.DescribeSubscriptionFiltersAsync("/sweep/full")).Select(f => f.FilterName).Order(StringComparer.Ordinal));
        Assert.Empty(await client.DescribeSubscriptionFiltersAsync("/sweep/excluded"));
        Assert.Empty(await client.DescribeSubscriptionFiltersAsync("/sweep/loki-shipper"));
        Assert.Empty(await client.DescribeSubscriptionFiltersAsync("/sweeping/not-under-prefix"));

        // A second sweep finds everything done.
        var again = new OnboardingReport();
        await new LogGroupOnboarder(client, TimeProvider.System).SweepAsync(options, FarDeadline, again, CancellationToken.None);
        Assert.Empty(again.Subscribed);
        Assert.Equal(56, again.AlreadySubscribed.Count);
    }

    [SkippableFact]
    public async Task Sweep_ReplacesOnlyAFilterOfOurName_WhenItsPatternChanged()
    {
        moto.SkipIfUnavailable();
        await moto.CreateLogGroupsAsync(["/repattern/a"]);
        using var client = moto.NewClient();
        await client.PutSubscriptionFilterAsync("/repattern/a", "loki-shipper-to-kinesis", "", moto.StreamArn, MotoLogs.RoleArn);
        // (With a second filter on the group moto 5.2 refuses the replacement, counting before it looks at the name; AWS
        // replaces it. LogGroupOnboarderTests covers that case.)
        var options = Prefixes("/repattern/") with { FilterPattern = "ERROR" };
        var report = new OnboardingReport();

        await new LogGroupOnboarder(client, TimeProvider.System).SweepAsync(options, FarDeadline, report, CancellationToken.None);

        Assert.Equal(["/repattern/a"], report.Updated);
        Assert.Empty(report.Subscribed);
        var filter = Assert.Single(await client.DescribeSubscriptionFiltersAsync("/repattern/a"));
        Assert.Equal(("loki-shipper-to-kinesis", "ERROR"), (filter.FilterName, filter.FilterPattern));
    }

    [SkippableFact]
    public async Task Retention_IsSetWhereThereIsNone_AndLongerOnesAreLeftUnlessAsked()
    {
        moto.SkipIfUnavailable();
        await moto.CreateLogGroupsAsync(["/ret/never", "/ret/long", "/ret/short", "/ret/excluded", "/ret/loki-shipper", "/ret/lowered"]);
        using var client = moto.NewClient();
        await client.PutRetentionPolicyAsync("/ret/long", 3653);
        await client.PutRetentionPolicyAsync("/ret/short", 7);
        await client.PutRetentionPolicyAsync("/ret/lowered", 365);
        var keep = new OnboardingOptions(SubscriptionScope.List, ["/ret/never", "/ret/long", "/ret/short", "/ret/excluded", "/ret/loki-shipper"], [], ["/ret/excluded"], "/ret/loki-shipper", "", "", null, null, 14, LowerLongerRetention: false);
        var report = new OnboardingReport();

        await new LogGroupOnboarder(client, TimeProvider.System).SweepAsync(keep, FarDeadline, report, CancellationToken.None);
        var lower = keep with { LogGroupNames = ["/ret/lowered", "/ret/short"], LowerLongerRetention = true };
        var lowered = new OnboardingReport();
        await new LogGroupOnboarder(client, TimeProvider.System).SweepAsync(lower, FarDeadline, lowered, CancellationToken.None);

        Assert.Equal([new RetentionChange("/ret/never", null, 14)], report.RetentionChanges);
        Assert.Equal([new RetentionChange("/ret/lowered", 365, 14)], lowered.RetentionChanges);
        Assert.Empty(report.Subscribed); // list scope: the stack's own filters subscribe, the function does not
        var now = (await client.DescribeLogGroupsAsync("/ret/")).ToDictionary(g => g.Name, g => g.RetentionInDays);
        Assert.Equal(14, now["/ret/never"]);
        Assert.Equal(3653, now["/ret/long"]);
        Assert.Equal(7, now["/ret/short"]);
        Assert.Equal(14, now["/ret/lowered"]);
        Assert.Null(now["/ret/excluded"]);
        Assert.Null(now["/ret/loki-shipper"]);
    }

    [SkippableFact]
    public async Task Remove_TakesOffOnlyTheStacksFilter_NameAndDestination()
    {
        moto.SkipIfUnavailable();
        await moto.CreateLogGroupsAsync(["/remove/a", "/remove/b", "/remove/c"]);
        using var client = moto.NewClient();
        var options = Prefixes("/remove/");
        await new LogGroupOnboarder(client, TimeProvider.System).SweepAsync(options, FarDeadline, new OnboardingReport(), CancellationToken.None);
        await client.PutSubscriptionFilterAsync("/remove/b", "someone-else", "", moto.StreamArn, MotoLogs.RoleArn);
        var report = new OnboardingReport();

        await new LogGroupOnboarder(client, TimeProvider.System).RemoveAsync(options, name => name == "/remove/c", FarDeadline, report, CancellationToken.None);

        Assert.Equal(["/remove/a", "/remove/b"], report.Removed);
        Assert.Empty(await client.DescribeSubscriptionFiltersAsync("/remove/a"));
        Assert.Equal(["someone-else"], (await client.DescribeSubscriptionFiltersAsync("/remove/b")).Select(f => f.FilterName));
        Assert.Equal(["loki-shipper-to-kinesis"], (await client.DescribeSubscriptionFiltersAsync("/remove/c")).Select(f => f.FilterName));
    }
}
