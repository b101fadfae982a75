using static LokiShipper.Tests.Processing.Redaction.RedactionHarness;

namespace LokiShipper.Tests.Processing.Redaction;

public class EmailScannerTests
{
    [Theory]
    [InlineData(
        "2026-11-30T10:04:31.123Z\t1e1b7551-0001-4c2a-9b3d-6f5e4d3c2b1a\tINFO\tuser bob@example.com logged in from 203.0.113.7",
        "2026-11-30T10:04:31.123Z\t1e1b7551-0001-4c2a-9b3d-6f5e4d3c2b1a\tINFO\tuser [REDACTED:email] logged in from 203.0.113.7")]
    [InlineData("to=<first.last+orders@mail.example.co.uk>, cc=ops_team-1@example.org", "to=<[REDACTED:email]>, cc=[REDACTED:email]")]
    [InlineData("mailto:Bob.Smith@Example.COM.", "mailto:[REDACTED:email].")]
    [InlineData("""{"level":"info","msg":"welcome mail sent to carol@example.net"}""", """{"level":"info","msg":"welcome mail sent to [REDACTED:email]"}""")]
    [InlineData("""{"msg":"first line\ncarol@example.net"}""", """{"msg":"first line\n[REDACTED:email]"}""")]
    [InlineData("""{"msg":"\u0022dave@example.io"}""", """{"msg":"\u0022[REDACTED:email]"}""")]
    [InlineData("git@github.com: Permission denied (publickey).", "[REDACTED:email]: Permission denied (publickey).")]
    public void An_address_is_replaced_and_its_surroundings_kept(string line, string expected)
    {
        Assert.Equal(expected, Rules("email", line));
    }

    [Theory]
    [InlineData("cron@localhost: job finished")]
    [InlineData("pulled nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31")]
    [InlineData("installed @aws-sdk/client-s3@3.700.0 and lodash@4.17.21")]
    [InlineData("root@10.0.1.23's password:")]
    [InlineData("a@b.c is too short a domain; so is @example.com without a name")]
    [InlineData("meet @ 10:00 at the desk")]
    public void What_is_not_an_address_is_left_alone(string line)
    {
        Assert.Equal(line, Rules("email", line));
    }
}
