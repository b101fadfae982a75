using System.Text;
using LokiShipper.Diagnostics;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Processing;

/// <summary>Redaction happens before anything leaves the function: a dry run prints the redacted lines, never the secrets.</summary>
public sealed class RedactionInDryRunTests
{
    [Fact]
    public async Task A_dry_run_prints_what_would_be_pushed_redacted()
    {
        var printed = new MemoryStream();
        var log = new StringWriter();
        var options = TestOptions.From(("REDACT", "email,aws_access_key"), ("MASK_JSON_KEYS", "password"));
        var function = Composition.CreateFunction(options, new ShipperLog(log, LogLevel.Info), TimeProvider.System, dryRunOutput: printed, emitMetrics: false);
        var ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await function.HandleAsync(
            TestEvents.CloudWatch("/ecs/signup", "s", (ms, "new user alice@example.org key AKIAIOSFODNN7EXAMPLE"), (ms + 1, """{"user":"alice","password":"hunter2","tries":[{"password":"x"}]}""")),
            new InvocationContext("dry", DateTimeOffset.UtcNow.AddSeconds(30)),
            CancellationToken.None);

        var text = Encoding.UTF8.GetString(printed.ToArray());
        Assert.Contains("new user [REDACTED:email] key [REDACTED:aws_access_key]", text, StringComparison.Ordinal);
        Assert.Contains("""{\"user\":\"alice\",\"password\":\"[REDACTED]\",\"tries\":[{\"password\":\"[REDACTED]\"}]}""", text, StringComparison.Ordinal);
        Assert.DoesNotContain("alice@example.org", text, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("\"lines_redacted\":2", log.ToString(), StringComparison.Ordinal);
    }
}
