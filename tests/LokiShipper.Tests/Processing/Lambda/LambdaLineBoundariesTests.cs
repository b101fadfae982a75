using System.Text;
using LokiShipper.Processing.Lambda;
using LokiShipper.Processing.Multiline;
using static LokiShipper.Tests.Processing.Multiline.MultilineRun;

namespace LokiShipper.Tests.Processing.Lambda;

public class LambdaLineBoundariesTests
{
    private const string RequestId = "8f5c1d2e-3b4a-4c5d-9e6f-7a8b9c0d1e2f";

    [Theory]
    [InlineData("START RequestId: 8f5c1d2e-3b4a-4c5d-9e6f-7a8b9c0d1e2f Version: $LATEST", true)]
    [InlineData("END RequestId: 8f5c1d2e-3b4a-4c5d-9e6f-7a8b9c0d1e2f", true)]
    [InlineData("REPORT RequestId: 8f5c1d2e-3b4a-4c5d-9e6f-7a8b9c0d1e2f\tDuration: 12.34 ms\tBilled Duration: 13 ms", true)]
    [InlineData("INIT_START Runtime Version: python:3.12.v38\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:abc", true)]
    [InlineData("START of the nightly job", false)]
    [InlineData("REPORTING to the supervisor", false)]
    public void Platform_lines_are_Lambdas_own_lines_around_an_invocation(string line, bool platform)
    {
        Assert.Equal(platform, LambdaLines.IsPlatformLine(Encoding.UTF8.GetBytes(line)));
    }

    [Theory]
    [InlineData("2026-11-30T10:04:31.123Z\t8f5c1d2e-3b4a-4c5d-9e6f-7a8b9c0d1e2f\tERROR\tInvoke Error {\"errorType\":\"Error\"}", true)]
    [InlineData("[ERROR]\t2026-11-30T10:04:31.123Z\t8f5c1d2e-3b4a-4c5d-9e6f-7a8b9c0d1e2f\tboom", true)]
    [InlineData("2026-11-30T10:04:34.125Z 8f5c1d2e-3b4a-4c5d-9e6f-7a8b9c0d1e2f Task timed out after 3.00 seconds", true)]
    [InlineData("2026-11-30T10:04:31.123Z\tnot-a-request-id\tERROR\tboom", false)]
    [InlineData("2026-11-30 10:04:31,123 ERROR boom", false)]
    public void Runtime_lines_carry_a_timestamp_and_the_request_id(string line, bool runtime)
    {
        Assert.Equal(runtime, LambdaLines.IsRuntimeLine(Encoding.UTF8.GetBytes(line)));
    }

    [Fact]
    public void In_auto_mode_Lambdas_lines_are_never_joined_and_a_platform_line_takes_no_frame_on()
    {
        string[] events =
        [
            $"START RequestId: {RequestId} Version: $LATEST",
            $"2026-11-30T10:04:31.123Z\t{RequestId}\tERROR\tInvoke Error {{\"errorType\":\"TypeError\",\"errorMessage\":\"order is undefined\"}}",
            "    at Runtime.handler (file:///var/task/index.mjs:5:11)",
            "    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)",
            $"END RequestId: {RequestId}",
            $"REPORT RequestId: {RequestId}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 71 MB",
            "\tat com.example.Handler.handleRequest(Handler.java:31)",
            $"START RequestId: {RequestId} Version: $LATEST",
        ];

        // The frames belong to the runtime's line; nothing continues a platform line.
        Assert.Equal(
            [Entry(events, 0, 0), Entry(events, 1, 3), Entry(events, 4, 4), Entry(events, 5, 5), Entry(events, 6, 6), Entry(events, 7, 7)],
            Join(Joiner(MultilineMode.Auto), events, out var joined));
        Assert.Equal(2, joined);
    }

    [Fact]
    public void A_custom_pattern_that_does_not_match_Lambdas_lines_still_never_joins_them()
    {
        string[] events =
        [
            "[app] order 42 failed",
            "  retry scheduled",
            $"END RequestId: {RequestId}",
            $"REPORT RequestId: {RequestId}\tDuration: 12.34 ms",
            $"START RequestId: {RequestId} Version: $LATEST",
            "  continuation after START",
            $"2026-11-30T10:04:31.123Z\t{RequestId}\tINFO\tprocessed order 43",
            "  detail of order 43",
        ];

        Assert.Equal(
            [Entry(events, 0, 1), Entry(events, 2, 2), Entry(events, 3, 3), Entry(events, 4, 4), Entry(events, 5, 5), Entry(events, 6, 7)],
            Join(Joiner(MultilineMode.Custom, pattern: @"^\["), events, out var joined));
        Assert.Equal(2, joined);
    }
}
