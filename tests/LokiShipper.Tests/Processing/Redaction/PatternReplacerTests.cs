using static LokiShipper.Tests.Processing.Redaction.RedactionHarness;

namespace LokiShipper.Tests.Processing.Redaction;

public class PatternReplacerTests
{
    private static string Replace(string patterns, string line) => Apply(Create(null, patterns, null), line);

    [Fact]
    public void A_numbered_group_is_kept_through_the_replacement()
    {
        Assert.Equal("order 42 customer_id=*** ok", Replace(@"(customer_id=)\d+=>$1***", "order 42 customer_id=12345 ok"));
    }

    [Fact]
    public void A_named_group_and_a_literal_dollar_can_be_written()
    {
        Assert.Equal("session=<hidden> cost $$ only", Replace(@"(?<k>session)=\w+=>${k}=<hidden>;;\$\d+=>$$$$", "session=af0ifjsldkj cost $12 only"));
    }

    [Fact]
    public void Entries_on_separate_lines_apply_in_order()
    {
        const string Patterns = "\n  user=(\\w+)=>user=$1-masked\r\nmasked=>hidden  \n\n";

        Assert.Equal("user=bob-hidden logged in", Replace(Patterns, "user=bob logged in"));
    }

    [Fact]
    public void A_pattern_is_case_sensitive_unless_it_says_otherwise()
    {
        Assert.Equal("PIN 1234, [pin]", Replace(@"pin \d+=>[pin]", "PIN 1234, pin 5678"));
        Assert.Equal("[pin], [pin]", Replace(@"(?i)pin \d+=>[pin]", "PIN 1234, pin 5678"));
    }

    [Fact]
    public void Patterns_see_the_line_after_the_built_in_rules()
    {
        var redactor = Create("email", @"\[REDACTED:email\]=><email>", null);

        Assert.Equal("mail to <email> sent", Apply(redactor, "mail to bob@example.com sent"));
    }

    [Fact]
    public void Text_beyond_ASCII_is_matched_and_kept()
    {
        Assert.Equal("Grüße an Herrn M. 🚀", Replace("Müller=>M.", "Grüße an Herrn Müller 🚀"));
    }

    [Fact]
    public void An_empty_replacement_deletes_the_match()
    {
        Assert.Equal("ok", Replace(@"[ ]trace=\S+=>", "ok trace=abc123"));
    }

    [Fact]
    public void Blanks_around_an_entry_are_dropped_so_an_edge_blank_is_written_as_a_class()
    {
        Assert.Equal("ok[trace]", Replace(@"  \strace=\S+=>[trace]  ", "ok trace=abc123"));
    }
}
