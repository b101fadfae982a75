using LokiShipper.Onboarding;

namespace LokiShipper.Tests.Onboarding;

/// <summary>The onboarding settings, read from the environment or from the custom resource, and which groups they select.</summary>
public sealed class OnboardingOptionsParserTests
{
    private static (OnboardingOptions Options, List<string> Problems) Parse(OnboardingSettingNames names, params (string Name, string Value)[] values)
    {
        var problems = new List<string>();
        var map = values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return (OnboardingOptionsParser.Parse(name => map.TryGetValue(name, out var value) ? value : null, names, problems), problems);
    }

    [Fact]
    public void NothingSet_IsListScope_DoingNothing()
    {
        var (options, problems) = Parse(OnboardingSettingNames.Environment);

        Assert.Empty(problems);
        Assert.Equal(SubscriptionScope.List, options.Scope);
        Assert.False(options.Subscribes);
        Assert.False(options.ManagesRetention);
        Assert.False(options.FollowsNewGroups);
    }

    [Fact]
    public void PrefixScope_FromTheEnvironment()
    {
        var (options, problems) = Parse(
            OnboardingSettingNames.Environment,
            ("SUBSCRIPTION_SCOPE", "prefixes"),
            ("LOG_GROUP_PREFIXES", " /aws/lambda/ , /ecs/,,/aws/lambda/"),
            ("EXCLUDED_LOG_GROUPS", "/aws/lambda/noisy"),
            ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/loki-shipper"),
            ("SUBSCRIPTION_FILTER_NAME", "loki-shipper-to-kinesis"),
            ("SUBSCRIPTION_FILTER_PATTERN", "[level != DEBUG]"),
            ("SUBSCRIPTION_DESTINATION_ARN", "arn:aws:kinesis:eu-west-1:111122223333:stream/logs"),
            ("SUBSCRIPTION_ROLE_ARN", "arn:aws:iam::111122223333:role/to-kinesis"),
            ("RETENTION_IN_DAYS", "30"),
            ("RETENTION_LOWERS_LONGER", "true"));

        Assert.Empty(problems);
        Assert.Equal(SubscriptionScope.Prefixes, options.Scope);
        Assert.Equal(["/aws/lambda/", "/ecs/"], options.Prefixes);
        Assert.Equal(["/aws/lambda/noisy"], options.Excluded);
        Assert.Equal("/aws/lambda/loki-shipper", options.ShipperLogGroup);
        Assert.Equal("loki-shipper-to-kinesis", options.FilterName);
        Assert.Equal("[level != DEBUG]", options.FilterPattern);
        Assert.Equal("arn:aws:kinesis:eu-west-1:111122223333:stream/logs", options.DestinationArn);
        Assert.Equal("arn:aws:iam::111122223333:role/to-kinesis", options.RoleArn);
        Assert.Equal(30, options.RetentionInDays);
        Assert.True(options.LowerLongerRetention);
        Assert.True(options.Subscribes);
        Assert.True(options.FollowsNewGroups);
    }

    [Fact]
    public void ProblemsNameTheCustomResourceProperty_WhenReadFromIt()
    {
        var (_, problems) = Parse(
            OnboardingSettingNames.CustomResource,
            ("Scope", "prefixes"),
            ("RetentionInDays", "13"),
            ("LowerLongerRetention", "yes"));

        Assert.Equal(
            [
                "LogGroupPrefixes must name at least one log group name prefix (comma-separated, e.g. /aws/lambda/,/ecs/) when Scope is 'prefixes'",
                "FilterName must be set when Scope is 'prefixes': the name of the subscription filters the function creates",
                "DestinationArn must be the ARN of the function or Kinesis stream to subscribe to when Scope is 'prefixes'",
                "RetentionInDays must be 0 (leave retention alone) or one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
                "LowerLongerRetention must be 'true' or 'false'",
            ],
            problems);
    }

    [Fact]
    public void AnUnknownScope_NamesTheVariableAndTheAcceptedValues()
    {
        var (_, problems) = Parse(OnboardingSettingNames.Environment, ("SUBSCRIPTION_SCOPE", "everything"));

        Assert.Equal(["SUBSCRIPTION_SCOPE must be 'list', 'account' or 'prefixes'"], problems);
    }

    [Theory]
    [InlineData("/aws/lambda/orders", true)]
    [InlineData("/ecs/payments", true)]
    [InlineData("/aws/lambda/noisy", false)] // excluded
    [InlineData("/aws/lambda/loki-shipper", false)] // the shipper's own group, though under a prefix
    [InlineData("/aws/rds/instance/db/error", false)] // outside the prefixes
    [InlineData("/aws/lambdax", false)]
    [InlineData("", false)]
    public void PrefixScope_Selects(string logGroup, bool selected)
    {
        var options = new OnboardingOptions(SubscriptionScope.Prefixes, [], ["/aws/lambda/", "/ecs/"], ["/aws/lambda/noisy"], "/aws/lambda/loki-shipper", "f", "", "arn:aws:lambda:x", null, 0, false);

        Assert.Equal(selected, options.Selects(logGroup));
    }

    [Theory]
    [InlineData("/anything/at/all", true)]
    [InlineData("/aws/lambda/noisy", false)]
    [InlineData("/aws/lambda/loki-shipper", false)]
    public void AccountScope_SelectsAllButExcludedAndOwn(string logGroup, bool selected)
    {
        var options = new OnboardingOptions(SubscriptionScope.Account, [], [], ["/aws/lambda/noisy"], "/aws/lambda/loki-shipper", "", "", null, null, 7, false);

        Assert.Equal(selected, options.Selects(logGroup));
        Assert.True(options.FollowsNewGroups); // retention for groups created later
    }

    [Fact]
    public void ListScope_SelectsTheListedGroupsOnly_AndNeverFollowsNewOnes()
    {
        var options = new OnboardingOptions(SubscriptionScope.List, ["/ecs/a"], [], [], null, "", "", null, null, 7, false);

        Assert.True(options.Selects("/ecs/a"));
        Assert.False(options.Selects("/ecs/ab"));
        Assert.False(options.FollowsNewGroups);
    }
}
