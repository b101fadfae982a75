using System.Text.RegularExpressions;
using System.Xml.Linq;
using LokiShipper.Tests.Support;
using static LokiShipper.Tests.Support.CloudFormationTemplate;

namespace LokiShipper.Tests.Deployment;

/// <summary>
/// template.yaml's <c>AWS::ServerlessRepo::Application</c> metadata, what <c>sam publish</c> sends to the AWS Serverless
/// Application Repository: within the limits of its CreateApplication API, in step with the project's version.
/// </summary>
public class ServerlessRepoMetadataTests
{
    private static Dictionary<string, object?> Application =>
        (Dictionary<string, object?>)Load().Section("Metadata")["AWS::ServerlessRepo::Application"]!;

    [Fact]
    public void The_application_metadata_is_within_the_repositorys_limits()
    {
        var application = Application;
        var labels = AsList(application["Labels"]).Cast<string>().ToList();

        Assert.Matches("^[a-zA-Z0-9-]{1,140}$", (string)application["Name"]!);
        Assert.InRange(((string)application["Description"]!).Length, 1, 256);
        Assert.Matches("^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", (string)application["Author"]!);
        Assert.InRange(((string)application["Author"]!).Length, 1, 127);
        Assert.InRange(labels.Count, 1, 10);
        Assert.All(labels, label => Assert.Matches(@"^[a-zA-Z0-9+\-_:/@]{1,127}$", label));
        Assert.All(new[] { "HomePageUrl", "SourceCodeUrl" }, key => Assert.StartsWith("https://", (string)application[key]!, StringComparison.Ordinal));
        Assert.DoesNotContain(application.Values, value => value is Dictionary<string, object?>); // no intrinsic functions there
    }

    [Fact]
    public void The_semantic_version_is_the_projects_and_the_readme_is_the_repositorys()
    {
        var version = XDocument.Load(RepoFiles.Path("Directory.Build.props")).Descendants("Version").Single().Value;

        Assert.Equal(version, Application["SemanticVersion"]);
        Assert.Matches(@"^\d+\.\d+\.\d+$", version);
        Assert.Equal("README.md", Application["ReadmeUrl"]); // sam package uploads the local file
        Assert.True(File.Exists(RepoFiles.Path("README.md")));
    }

    [Fact]
    public void No_license_is_claimed_until_one_is_chosen_and_the_deploy_guide_says_so()
    {
        var deploy = File.ReadAllText(RepoFiles.Path("docs/deploy.md"));

        Assert.False(Application.ContainsKey("SpdxLicenseId"));
        Assert.False(Application.ContainsKey("LicenseUrl"));
        Assert.Matches(new Regex(@"## Serverless Application Repository[\s\S]*`SpdxLicenseId`[\s\S]*`LicenseUrl`"), deploy);
    }
}
