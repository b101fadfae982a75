using LokiShipper.Processing.Multiline;

namespace LokiShipper.Tests.Processing.Multiline;

public class MultilineOptionsParserTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("off")]
    [InlineData(" OFF ")]
    public void Unset_blank_or_off_joins_nothing(string? value)
    {
        var problems = new List<string>();

        Assert.Same(MultilineOptions.Off, MultilineOptionsParser.Parse(value, null, 262_144, problems));
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("java", "Java")]
    [InlineData("Python", "Python")]
    [InlineData("DOTNET", "DotNet")]
    [InlineData(" go ", "Go")]
    [InlineData("auto", "Auto")]
    public void The_mode_names_in_any_case_choose_the_built_in_rules_bounded_by_500_lines_and_MAX_LINE_SIZE(string value, string mode)
    {
        var problems = new List<string>();

        var options = MultilineOptionsParser.Parse(value, null, 262_144, problems);

        Assert.Equal(new MultilineOptions(Enum.Parse<MultilineMode>(mode), null, 500, 262_144), options);
        Assert.Empty(problems);
    }

    [Fact]
    public void Anything_else_is_the_regular_expression_a_starting_line_matches_compiled_to_match_in_linear_time()
    {
        var problems = new List<string>();

        var options = MultilineOptionsParser.Parse(@"^\d{4}-\d{2}-\d{2}", "40", 0, problems);

        Assert.Equal((MultilineMode.Custom, 40, 0), (options.Mode, options.MaxLines, options.MaxBytes));
        Assert.Equal(@"^\d{4}-\d{2}-\d{2}", options.StartPattern!.ToString());
        Assert.Equal(System.Text.RegularExpressions.RegexOptions.NonBacktracking | System.Text.RegularExpressions.RegexOptions.CultureInvariant, options.StartPattern.Options);
        Assert.Empty(problems);
    }

    [Fact]
    public void An_invalid_pattern_names_MULTILINE_where_it_is_wrong_and_the_accepted_values()
    {
        var problems = new List<string>();

        var options = MultilineOptionsParser.Parse(@"^(\d{4}-", null, 0, problems);

        Assert.Same(MultilineOptions.Off, options);
        Assert.Equal(
            [@"MULTILINE is not a valid regular expression at position 8: InsufficientClosingParentheses (in '^(\d{4}-'); MULTILINE must be off, java, python, dotnet, go, auto, or a regular expression that matches the first line of an entry, e.g. ^\d{4}-\d{2}-\d{2}"],
            problems);
    }

    [Fact]
    public void A_pattern_that_cannot_match_in_linear_time_is_refused_with_the_accepted_values()
    {
        var problems = new List<string>();

        MultilineOptionsParser.Parse(@"^(?=\d)", null, 0, problems);

        var problem = Assert.Single(problems);
        Assert.StartsWith("MULTILINE uses a construct matching in linear time cannot support (backreferences, lookarounds, atomic groups): ", problem, StringComparison.Ordinal);
        Assert.EndsWith(@" (in '^(?=\d)'); MULTILINE must be off, java, python, dotnet, go, auto, or a regular expression that matches the first line of an entry, e.g. ^\d{4}-\d{2}-\d{2}", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2", 2)]
    [InlineData(" 750 ", 750)]
    [InlineData("10000", 10_000)]
    public void MULTILINE_MAX_LINES_bounds_the_lines_of_an_entry(string value, int maxLines)
    {
        var problems = new List<string>();

        Assert.Equal(maxLines, MultilineOptionsParser.Parse("auto", value, 0, problems).MaxLines);
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("10001")]
    [InlineData("-5")]
    [InlineData("lots")]
    [InlineData("2.5")]
    public void MULTILINE_MAX_LINES_outside_2_to_10000_is_a_problem_naming_it_and_its_range(string value)
    {
        var problems = new List<string>();

        var options = MultilineOptionsParser.Parse("java", value, 0, problems);

        Assert.Equal(["MULTILINE_MAX_LINES must be a whole number from 2 to 10000 (the most lines joined into one entry; default 500)"], problems);
        Assert.Equal(500, options.MaxLines);
    }

    [Fact]
    public void Both_problems_are_reported_together()
    {
        var problems = new List<string>();

        MultilineOptionsParser.Parse("(", "0", 0, problems);

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("MULTILINE_MAX_LINES must be", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("MULTILINE is not a valid regular expression at position 1: ", problems[1], StringComparison.Ordinal);
    }
}
