using LokiShipper.Processing.Redaction;

namespace LokiShipper.Tests.Processing.Redaction;

public class RedactionOptionsParserTests
{
    private static (RedactionOptions Options, List<string> Problems) Parse(string? redact = null, string? patterns = null, string? keys = null)
    {
        var problems = new List<string>();
        return (RedactionOptionsParser.Parse(redact, patterns, keys, problems), problems);
    }

    [Fact]
    public void Nothing_set_is_redaction_off()
    {
        var (options, problems) = Parse(null, "", " \n ");

        Assert.Same(RedactionOptions.None, options);
        Assert.True(options.IsOff);
        Assert.Empty(problems);
        Assert.Null(Redactor.Create(options));
    }

    [Fact]
    public void Rules_are_read_in_any_case_and_listed_in_their_documented_order()
    {
        var (options, problems) = Parse(" JWT, email ,,ipv4,email");

        Assert.Empty(problems);
        Assert.Equal(["email", "ipv4", "jwt"], options.Rules);
        Assert.False(options.IsOff);
    }

    [Fact]
    public void All_selects_every_rule()
    {
        Assert.Equal(
            ["email", "ipv4", "ipv6", "aws_access_key", "aws_secret_key", "bearer", "basic_auth", "jwt", "credit_card"],
            Parse("all").Options.Rules);
    }

    [Fact]
    public void An_unknown_rule_is_named_with_the_accepted_names()
    {
        var (_, problems) = Parse("email,creditcard");

        Assert.Equal(
            ["REDACT has an unknown rule 'creditcard': give a comma-separated list of email, ipv4, ipv6, aws_access_key, aws_secret_key, bearer, basic_auth, jwt, credit_card, or all"],
            problems);
    }

    [Fact]
    public void Patterns_are_separated_by_newlines_or_double_semicolons_and_split_at_the_first_arrow()
    {
        var (options, problems) = Parse(patterns: "  a,b=>x  \r\n\n(c)=>$1=>y;;d;e=>");

        Assert.Empty(problems);
        Assert.Equal([("a,b", "x"), ("(c)", "$1=>y"), ("d;e", "")], options.Patterns);
    }

    [Fact]
    public void An_entry_without_an_arrow_or_a_pattern_is_named_by_its_number()
    {
        var (_, problems) = Parse(patterns: "ok=>x;;no arrow\n=>nothing");

        Assert.Equal(
            [
                "REDACT_PATTERNS entry 2 has no '=>' ('no arrow'): write each entry as regex=>replacement, entries on separate lines or separated by ';;'",
                "REDACT_PATTERNS entry 3 has nothing before '=>' ('=>nothing'): write each entry as regex=>replacement",
            ],
            problems);
    }

    [Fact]
    public void An_invalid_regex_is_named_by_its_entry_and_position()
    {
        var (_, problems) = Parse(patterns: "ok=>x\nuser=(\\w+=>x");

        Assert.Equal(["REDACT_PATTERNS entry 2 is not a valid regular expression at position 9: InsufficientClosingParentheses (in 'user=(\\w+')"], problems);
    }

    [Fact]
    public void A_construct_without_a_linear_time_match_is_refused()
    {
        var (_, problems) = Parse(patterns: @"(a)\1=>x");

        Assert.StartsWith("REDACT_PATTERNS entry 1 uses a construct matching in linear time cannot support (backreferences, lookarounds, atomic groups): ", Assert.Single(problems));
    }

    [Fact]
    public void A_pattern_matching_empty_text_is_refused()
    {
        var (_, problems) = Parse(patterns: @"\d*=>#");

        Assert.Equal(["REDACT_PATTERNS entry 1 matches empty text ('\\d*'): its replacement would go between every two characters; make it match at least one character"], problems);
    }

    [Fact]
    public void Masked_keys_are_trimmed_and_may_have_a_star_at_either_end()
    {
        var (options, problems) = Parse(keys: " password, *_token ,secret*,,*key*");

        Assert.Empty(problems);
        Assert.Equal(["password", "*_token", "secret*", "*key*"], options.MaskedJsonKeys);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("**")]
    [InlineData("pass*word")]
    public void A_key_with_a_star_inside_or_nothing_else_is_refused(string key)
    {
        var (_, problems) = Parse(keys: $"password,{key}");

        Assert.Equal([$"MASK_JSON_KEYS has an invalid key '{key}': give comma-separated JSON property names, each may start and/or end with '*' for any text, e.g. password,*_token,secret*"], problems);
    }

    [Fact]
    public void Every_problem_is_reported_together()
    {
        var (_, problems) = Parse("nope", "(=>x", "*");

        Assert.Equal(3, problems.Count);
        Assert.StartsWith("REDACT has", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("REDACT_PATTERNS entry 1", problems[1], StringComparison.Ordinal);
        Assert.StartsWith("MASK_JSON_KEYS has", problems[2], StringComparison.Ordinal);
    }
}
