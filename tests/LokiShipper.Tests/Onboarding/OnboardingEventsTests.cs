using System.Text;
using LokiShipper.Onboarding;

namespace LokiShipper.Tests.Onboarding;

/// <summary>Onboarding events are told from log data by their top-level fields alone.</summary>
public sealed class OnboardingEventsTests
{
    private static string TestData(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "onboarding", name));

    private static string Event(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "events", name));

    [Fact]
    public void ACustomResourceRequest_IsOne()
    {
        Assert.Equal(OnboardingEventKind.CustomResource, OnboardingEvents.Classify(Encoding.UTF8.GetBytes(TestData("custom-resource-create.json"))));
    }

    [Fact]
    public void CloudTrailsCreateLogGroup_ThroughEventBridge_IsANewLogGroup()
    {
        Assert.Equal(OnboardingEventKind.LogGroupCreated, OnboardingEvents.Classify(Encoding.UTF8.GetBytes(TestData("create-log-group.json"))));
    }

    [Theory]
    [InlineData("DeleteLogGroup")]
    [InlineData("PutRetentionPolicy")]
    public void OtherCloudWatchLogsCalls_AreNot(string eventName)
    {
        var json = TestData("create-log-group.json").Replace("\"eventName\": \"CreateLogGroup\"", $"\"eventName\": \"{eventName}\"", StringComparison.Ordinal);

        Assert.Equal(OnboardingEventKind.None, OnboardingEvents.Classify(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void ACreateLogGroupNamedInAnotherSource_IsNot()
    {
        var json = TestData("create-log-group.json").Replace("\"source\": \"aws.logs\"", "\"source\": \"my.app\"", StringComparison.Ordinal);

        Assert.Equal(OnboardingEventKind.None, OnboardingEvents.Classify(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("cloudwatch-logs.json")]
    [InlineData("kinesis-cloudwatch.json")]
    [InlineData("s3-notification.json")]
    [InlineData("s3-eventbridge.json")]
    [InlineData("sqs-redrive.json")]
    public void LogDataEvents_AreNot(string sample)
    {
        Assert.Equal(OnboardingEventKind.None, OnboardingEvents.Classify(Encoding.UTF8.GetBytes(Event(sample))));
    }

    [Fact]
    public void EventBridgeS3ObjectCreated_IsNot_ItIsLogData()
    {
        const string json = """{"version":"0","detail-type":"Object Created","source":"aws.s3","detail":{"bucket":{"name":"logs"},"object":{"key":"a.log"}}}""";

        Assert.Equal(OnboardingEventKind.None, OnboardingEvents.Classify(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void ACloudWatchEventWithCustomResourceLookalikeFieldsAfterItsData_IsStillLogData()
    {
        const string json = """{"awslogs":{"data":"H4sI"},"RequestType":"Create","ResponseURL":"https://x","StackId":"s"}""";

        Assert.Equal(OnboardingEventKind.None, OnboardingEvents.Classify(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"RequestType\":")]
    public void NotAnObject_IsLeftToThePipeline(string json)
    {
        Assert.Equal(OnboardingEventKind.None, OnboardingEvents.Classify(Encoding.UTF8.GetBytes(json)));
    }
}
