using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Deployment;

/// <summary>docs/deploy.md names every parameter and resource of the two templates it documents.</summary>
public class DeployGuideTests
{
    private static readonly string Guide = File.ReadAllText(RepoFiles.Path("docs/deploy.md"));

    /// <summary>The text of the section that starts with <paramref name="heading"/>, up to the next heading of its level or above.</summary>
    private static string Section(string heading)
    {
        var start = Guide.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/deploy.md has no {heading}");
        var level = heading.TakeWhile(c => c == '#').Count();
        var end = Enumerable.Range(1, level).Select(n => Guide.IndexOf("\n" + new string('#', n) + " ", start + heading.Length, StringComparison.Ordinal))
            .Where(index => index > 0).DefaultIfEmpty(Guide.Length).Min();
        return Guide[start..end];
    }

    [Fact]
    public void Every_parameter_of_the_template_is_in_the_parameter_table()
    {
        var table = Section("### Parameters");

        Assert.All(CloudFormationTemplate.Load().Parameters.Keys, name => Assert.Contains($"`{name}`", table, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_parameter_of_the_spoke_template_is_in_the_hub_and_spokes_walk_through()
    {
        var walkThrough = Section("### Hub and spokes");

        Assert.All(CloudFormationTemplate.Load("deploy/spoke.yaml").Parameters.Keys, name => Assert.Contains($"`{name}`", walkThrough, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_account_scale_resource_is_described_and_in_the_table_of_what_each_combination_creates()
    {
        var accountScale = Section("## Account scale");
        var table = Section("### What each combination creates and grants");
        string[] resources = ["AccountSubscriptionPolicy", "LogGroupOnboardingPolicy", "LogGroupOnboarding", "NewLogGroupRule", "NewLogGroupInvokePermission", "HubDestination"];

        Assert.All(resources, id => Assert.Contains($"`{id}`", table, StringComparison.Ordinal));
        Assert.All(resources, id => Assert.Contains($"`{id}`", Section("### What the stack creates"), StringComparison.Ordinal));
        Assert.All(
            CloudFormationTemplate.Load("deploy/spoke.yaml").Resources.Keys.Where(id => !id.StartsWith("Fn::ForEach::", StringComparison.Ordinal)),
            id => Assert.Contains($"`{id}`", accountScale, StringComparison.Ordinal));
        Assert.Contains("CloudTrail trail", accountScale, StringComparison.Ordinal);
        Assert.Contains("One per account and region", accountScale, StringComparison.Ordinal);
    }
}
