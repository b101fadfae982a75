using System.Text.Json;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Deployment;

/// <summary>
/// cfn-lint on each parameter combination of <c>.ci/template-combinations.json</c> as <see cref="RenderedTemplate"/>
/// renders it: the loops expanded with that combination's lists and its conditions decided, so what one combination
/// leaves out (a resource named in <c>DependsOn</c>, a role a policy passes) is found. <c>.ci/lint-templates</c> lints
/// the same combinations through cfn-lint's own transforms.
/// </summary>
public class TemplateLintTests
{
    /// <summary>template → combination name → parameter values, as <c>.ci/lint-templates</c> reads them.</summary>
    internal static Dictionary<string, Dictionary<string, Dictionary<string, string>>> Combinations() =>
        JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, Dictionary<string, string>>>>(
            File.ReadAllText(RepoFiles.Path(".ci/template-combinations.json")))!;

    [Fact]
    public void The_combinations_cover_every_scope_with_every_ingestion_mode_and_each_spoke_scope()
    {
        var main = Combinations()["template.yaml"].Values.ToList();
        var spoke = Combinations()["deploy/spoke.yaml"].Values.ToList();

        foreach (var scope in new[] { "list", "account", "prefixes" })
        {
            foreach (var mode in new[] { "direct", "kinesis" })
            {
                Assert.Contains(main, values => values.GetValueOrDefault("SubscriptionScope") == scope && values.GetValueOrDefault("IngestionMode") == mode);
            }
        }

        Assert.Contains(main, values => values.ContainsKey("SpokeAccountIds"));
        Assert.Contains(main, values => values.ContainsKey("SpokeOrganizationId"));
        Assert.Contains(main, values => values.GetValueOrDefault("RetentionInDays", "0") != "0");
        Assert.Contains(spoke, values => values.GetValueOrDefault("SubscriptionScope") == "list");
        Assert.Contains(spoke, values => values.GetValueOrDefault("SubscriptionScope") == "account");
        Assert.Contains(spoke, values => values.ContainsKey("LogBucketName"));
    }

    [Fact]
    public void Every_combination_renders_with_no_failed_rule()
    {
        foreach (var (template, combinations) in Combinations())
        {
            foreach (var (name, values) in combinations)
            {
                Assert.True(Render(template, values).FailedRules.Count == 0, $"{template} {name}: rules {string.Join(", ", Render(template, values).FailedRules)} fail");
            }
        }
    }

    [SkippableFact]
    public async Task Every_combination_as_rendered_and_both_templates_as_written_are_clean_under_cfn_lint()
    {
        CfnLint.SkipIfUnavailable();
        var directory = Directory.CreateTempSubdirectory("lokishipper-lint-");
        try
        {
            var files = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [RepoFiles.Path("template.yaml")] = "template.yaml",
                [RepoFiles.Path("deploy/spoke.yaml")] = "deploy/spoke.yaml",
            };
            foreach (var (template, combinations) in Combinations())
            {
                foreach (var (name, values) in combinations)
                {
                    var path = Path.Combine(directory.FullName, $"{template.Replace('/', '-')}.{name}.json");
                    await File.WriteAllTextAsync(path, Render(template, values).ToTemplateJson());
                    files[path] = $"{template} {name} (rendered)";
                }
            }

            var (exitCode, findings, errors) = await CfnLint.LintAsync(files.Keys);

            var report = string.Join('\n', findings.Select(line =>
                files.Keys.FirstOrDefault(path => line.StartsWith(path + ":", StringComparison.Ordinal)) is { } path
                    ? $"{files[path]}: {line[(path.Length + 1)..]}"
                    : line));
            Assert.True(exitCode == 0 && findings.Count == 0, $"cfn-lint exited with {exitCode}:\n{report}\n{errors}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static RenderedTemplate Render(string template, Dictionary<string, string> values) =>
        RenderedTemplate.RenderFile(template, [.. values.Select(pair => $"{pair.Key}={pair.Value}")]);
}
