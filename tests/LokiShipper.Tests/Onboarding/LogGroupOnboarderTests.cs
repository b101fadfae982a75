using System.Net;
using LokiShipper.Onboarding;
using LokiShipper.Onboarding.CloudWatchLogs;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace LokiShipper.Tests.Onboarding;

/// <summary>
/// The onboarder's decisions where moto cannot show them: a filter of ours beside someone else's, a race for the
/// second place, a deadline, a failure on one group among many.
/// </summary>
public sealed class LogGroupOnboarderTests
{
    private const string Stream = "arn:aws:kinesis:eu-west-1:111122223333:stream/logs";
    private const string Role = "arn:aws:iam::111122223333:role/to-kinesis";

    private static readonly OnboardingOptions Options = new(SubscriptionScope.Prefixes, [], ["/app/"], [], "/app/loki-shipper", "ours", "", Stream, Role, 0, false);

    private static LogGroupInfo Group(string name) => new(name, $"arn:aws:logs:eu-west-1:111122223333:log-group:{name}:*", null);

    private static CloudWatchLogsException Refusal(string operation, string group, string code) =>
        new(operation, group, code, "refused", HttpStatusCode.BadRequest, 1);

    [Fact]
    public async Task OurFilterBesideSomeoneElses_IsReplacedInPlace_NotCountedFull()
    {
        var logs = new Mock<ICloudWatchLogs>(MockBehavior.Strict);
        logs.Setup(l => l.DescribeSubscriptionFiltersAsync("/app/a", It.IsAny<CancellationToken>()))
            .ReturnsAsync([new SubscriptionFilterInfo("ours", Stream, "OLD", Role), new SubscriptionFilterInfo("theirs", "arn:x", "", null)]);
        logs.Setup(l => l.PutSubscriptionFilterAsync("/app/a", "ours", "", Stream, Role, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        var report = new OnboardingReport();

        await new LogGroupOnboarder(logs.Object, TimeProvider.System).OnboardAsync(Options, Group("/app/a"), report, CancellationToken.None);

        Assert.Equal(["/app/a"], report.Updated);
        Assert.Empty(report.Full);
        logs.VerifyAll();
    }

    [Fact]
    public async Task LosingTheRaceForTheSecondPlace_IsReportedFull()
    {
        var logs = new Mock<ICloudWatchLogs>(MockBehavior.Strict);
        logs.SetupSequence(l => l.DescribeSubscriptionFiltersAsync("/app/a", It.IsAny<CancellationToken>()))
            .ReturnsAsync([new SubscriptionFilterInfo("first", "arn:x", "", null)])
            .ReturnsAsync([new SubscriptionFilterInfo("first", "arn:x", "", null), new SubscriptionFilterInfo("quicker", "arn:y", "", null)]);
        logs.Setup(l => l.PutSubscriptionFilterAsync("/app/a", "ours", "", Stream, Role, It.IsAny<CancellationToken>()))
            .ThrowsAsync(Refusal("PutSubscriptionFilter", "/app/a", "LimitExceededException"));
        var report = new OnboardingReport();

        await new LogGroupOnboarder(logs.Object, TimeProvider.System).OnboardAsync(Options, Group("/app/a"), report, CancellationToken.None);

        var full = Assert.Single(report.Full);
        Assert.Equal(["first", "quicker"], full.FilterNames);
        Assert.Empty(report.Subscribed);
        Assert.True(report.Complete);
    }

    [Fact]
    public async Task AFailureOnOneGroup_IsRecordedForIt_AndTheOthersGoOn()
    {
        var logs = new Mock<ICloudWatchLogs>();
        logs.Setup(l => l.DescribeLogGroupsAsync("/app/", It.IsAny<CancellationToken>())).ReturnsAsync([Group("/app/a"), Group("/app/b"), Group("/app/c")]);
        logs.Setup(l => l.DescribeSubscriptionFiltersAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        logs.Setup(l => l.PutSubscriptionFilterAsync("/app/b", "ours", "", Stream, Role, It.IsAny<CancellationToken>()))
            .ThrowsAsync(Refusal("PutSubscriptionFilter", "/app/b", "AccessDeniedException"));
        var report = new OnboardingReport();

        await new LogGroupOnboarder(logs.Object, TimeProvider.System).SweepAsync(Options, DateTimeOffset.MaxValue, report, CancellationToken.None);

        Assert.Equal(["/app/a", "/app/c"], report.Subscribed);
        var failure = Assert.Single(report.Failures);
        Assert.Equal("/app/b", failure.LogGroup);
        Assert.StartsWith("CloudWatch Logs PutSubscriptionFilter for log group '/app/b' failed with AccessDeniedException", failure.Error, StringComparison.Ordinal);
        Assert.False(report.Complete);
    }

    [Fact]
    public async Task ASweepNearItsDeadline_StopsAndCountsTheGroupsNotReached()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(40);
        var groups = Enumerable.Range(0, 10).Select(i => Group($"/app/{i}")).ToList();
        var logs = new Mock<ICloudWatchLogs>();
        logs.Setup(l => l.DescribeLogGroupsAsync("/app/", It.IsAny<CancellationToken>())).ReturnsAsync(groups);
        logs.Setup(l => l.DescribeSubscriptionFiltersAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        // Each subscription takes 5 s (a throttled account): 30 s of the 40 left may be used, 10 s are kept back.
        logs.Setup(l => l.PutSubscriptionFilterAsync(It.IsAny<string>(), "ours", "", Stream, Role, It.IsAny<CancellationToken>()))
            .Callback(() => time.Advance(TimeSpan.FromSeconds(5)))
            .Returns(Task.CompletedTask);
        var report = new OnboardingReport();

        await new LogGroupOnboarder(logs.Object, time).SweepAsync(Options, deadline, report, CancellationToken.None);

        Assert.Equal(["/app/0", "/app/1", "/app/2", "/app/3", "/app/4", "/app/5"], report.Subscribed);
        Assert.Equal(4, report.NotReached);
        Assert.False(report.Complete);
    }

    [Fact]
    public async Task NothingToDo_CallsNothing()
    {
        var logs = new Mock<ICloudWatchLogs>(MockBehavior.Strict);

        await new LogGroupOnboarder(logs.Object, TimeProvider.System).SweepAsync(OnboardingOptions.None, DateTimeOffset.MaxValue, new OnboardingReport(), CancellationToken.None);
        await new LogGroupOnboarder(logs.Object, TimeProvider.System).RemoveAsync(OnboardingOptions.None, _ => false, DateTimeOffset.MaxValue, new OnboardingReport(), CancellationToken.None);

        logs.VerifyNoOtherCalls();
    }
}
