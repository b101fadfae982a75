namespace LokiShipper.Tests.Support;

/// <summary>
/// The CloudFormation linter, <c>cfn-lint</c> (pip package <c>cfn-lint</c>, which brings aws-sam-translator), found on
/// PATH as <c>.ci/run</c> uses it. A test that lints skips without it (<see cref="SkipIfUnavailable"/>), or fails under
/// <c>LOKISHIPPER_REQUIRE_SERVICES=1</c> (CI), as the tests of the other external tools do.
/// </summary>
public static class CfnLint
{
    private static readonly Lazy<string?> Program = new(() => ChildEnvironment.FindOnPath("cfn-lint"));

    /// <summary>Why the lint tests cannot run here (what to install), or null.</summary>
    public static string? Unavailable =>
        Program.Value is null ? "the template lint tests need cfn-lint on PATH (pip install cfn-lint)" : null;

    public static void SkipIfUnavailable()
    {
        RealLokis.Fail(Unavailable is not null, Unavailable!);
        Skip.If(Unavailable is not null, Unavailable);
    }

    /// <summary>
    /// Lints <paramref name="templates"/> in one run (cfn-lint starts slowly) and returns its exit code and its findings,
    /// one per line as <c>path:line:column:endline:endcolumn:rule:message</c>.
    /// </summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Findings, string Errors)> LintAsync(IEnumerable<string> templates)
    {
        var program = Program.Value ?? throw new InvalidOperationException(Unavailable);
        var (exitCode, stdout, stderr) = await RealLokis.RunToEndAsync(
            program, ["--format", "parseable", "--", .. templates], TimeSpan.FromMinutes(5));
        return (exitCode, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), stderr);
    }
}
