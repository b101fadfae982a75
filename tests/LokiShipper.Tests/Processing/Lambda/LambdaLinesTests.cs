using System.Text;
using LokiShipper.Processing.Lambda;

namespace LokiShipper.Tests.Processing.Lambda;

/// <summary>The level, request id and platform lines of what Lambda writes, read from the bytes.</summary>
public sealed class LambdaLinesTests
{
    private const string Id = "6f1c7e4a-2b3d-4c5e-8f90-a1b2c3d4e5f6";

    private static (string? Level, string RequestId, bool Platform) Read(string line)
    {
        var read = LambdaLines.Read(Encoding.UTF8.GetBytes(line));
        return (read.Level, Encoding.UTF8.GetString(read.RequestId), read.IsPlatform);
    }

    [Theory]
    [InlineData($"2026-11-30T10:04:31.123Z\t{Id}\tINFO\tuser signed in", "info")] // Node.js
    [InlineData($"2026-11-30T10:04:31.123Z\t{Id}\tERROR\tInvoke Error \t{{\"errorType\":\"Error\"}}", "error")]
    [InlineData($"2026-11-30T10:04:31.123Z\t{Id}\tWARN\tslow", "warn")]
    [InlineData($"2026-11-30T10:04:31.1234567Z\t{Id}\tinfo\tfrom .NET", "info")]
    [InlineData($"2026-11-30T10:04:31.123Z\t{Id}\tDEBUG\tx", "debug")]
    [InlineData($"2026-11-30T10:04:31.123Z\t{Id}\tTRACE\tx", "trace")]
    [InlineData($"2026-11-30T10:04:31.123Z\t{Id}\tFATAL\tx", "fatal")]
    public void TheRuntimesTextFormat_GivesLevelAndRequestId(string line, string level)
    {
        Assert.Equal((level, Id, false), Read(line));
    }

    [Fact]
    public void ATextLineWithoutALevelField_StillGivesTheRequestId()
    {
        Assert.Equal((null, Id, false), Read($"2026-11-30T10:04:31.123Z\t{Id}\tTask timed out after 3.00 seconds"));
    }

    [Theory]
    [InlineData($"[INFO]\t2026-11-30T10:04:31.123Z\t{Id}\thello", "info")]
    [InlineData($"[WARNING]\t2026-11-30T10:04:31.123Z\t{Id}\thello", "warn")]
    [InlineData($"[CRITICAL]\t2026-11-30T10:04:31.123Z\t{Id}\thello", "critical")]
    [InlineData($"[ERROR]\t2026-11-30T10:04:31.123Z\t{Id}\tTraceback (most recent call last):", "error")]
    public void PythonsTextFormat_LevelFirst(string line, string level)
    {
        Assert.Equal((level, Id, false), Read(line));
    }

    [Theory]
    [InlineData($"START RequestId: {Id} Version: $LATEST", Id)]
    [InlineData($"END RequestId: {Id}", Id)]
    [InlineData($"REPORT RequestId: {Id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 80 MB", Id)]
    [InlineData("INIT_START Runtime Version: dotnet:10.v4\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:abc", "")]
    [InlineData("INIT_REPORT Init Duration: 10001.23 ms\tPhase: init\tStatus: timeout", "")]
    [InlineData("EXTENSION\tName: datadog-agent\tState: Ready\tEvents: [INVOKE,SHUTDOWN]", "")]
    public void PlatformLines_AreMarked_WithTheirRequestId(string line, string requestId)
    {
        Assert.Equal((null, requestId, true), Read(line));
    }

    [Fact]
    public void TheJsonFormat_GivesLevelAndRequestId()
    {
        Assert.Equal(
            ("error", Id, false),
            Read($$$"""{"timestamp":"2026-11-30T10:04:31.123Z","level":"ERROR","requestId":"{{{Id}}}","message":"card declined","nested":{"requestId":"other"}}"""));
    }

    [Theory]
    [InlineData($$$"""{"time":"2026-11-30T10:04:31.000Z","type":"platform.start","record":{"requestId":"{{{Id}}}","version":"$LATEST"}}""", Id)]
    [InlineData($$$"""{"time":"2026-11-30T10:04:31.000Z","type":"platform.report","record":{"requestId":"{{{Id}}}","metrics":{"durationMs":12.3},"status":"success"}}""", Id)]
    [InlineData("""{"time":"2026-11-30T10:04:31.000Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init"}}""", "")]
    public void JsonPlatformRecords_AreMarked(string line, string requestId)
    {
        Assert.Equal((null, requestId, true), Read(line));
    }

    [Theory]
    [InlineData("203.0.113.7 - - [30/Nov/2026:10:04:31 +0000] \"GET / HTTP/1.1\" 200 512")]
    [InlineData("""{"level":"info","msg":"no request id here"}""")]
    [InlineData("2026-11-30 10:04:31,123 INFO [main] org.example.App - started")]
    [InlineData("2026-11-30T10:04:31.123Z\tnot-a-request-id\tINFO\tx")]
    [InlineData("STARTUP complete")]
    [InlineData("[INFO] no tab after the level")]
    [InlineData("")]
    [InlineData("{not json at all \"requestId\"")]
    public void OtherLines_AreUnknown(string line)
    {
        var read = LambdaLines.Read(Encoding.UTF8.GetBytes(line));

        Assert.True(read.IsUnknown);
    }
}
