using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Pipeline;
using LokiShipper.Processing;
using LokiShipper.Sources.CloudWatch;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Processing;

/// <summary>
/// The line stage between decoding and batching, driven as the pipeline drives it (a record through the mapper),
/// configured by the same variables a user sets.
/// </summary>
public sealed class LineProcessorTests
{
    private const string Id1 = "6f1c7e4a-2b3d-4c5e-8f90-a1b2c3d4e5f6";
    private const string Id2 = "0d9e8f7a-6b5c-4d3e-9f21-0a9b8c7d6e5f";

    private static (List<LokiEntry> Entries, LineCounts Counts) Map(string logGroup, (string Name, string Value)[] variables, params string[] lines)
    {
        var options = TestOptions.From(variables);
        var mapper = new RecordMapper(new StreamLabeler(options.LabelsSlice()), options.MaxLineSize, LineProcessor.Create(options.Processing));
        var record = new LogRecord(new CloudWatchOrigin(logGroup, "2026/11/30/[$LATEST]abc", TestEvents.Owner), lines.Select((l, i) => LogLine.FromText((1_795_363_200_000 + i) * LogLine.NanosPerMilli, l)).ToArray());
        using var batcher = new Batcher();
        var counts = new LineCounts();
        mapper.Map(record, 0, batcher, counts);
        var entries = batcher.EntryCount == 0 ? [] : batcher.Build(1 << 24).SelectMany(b => b.Streams).SelectMany(s => s.Entries.ToArray()).ToList();
        return (entries, counts);
    }

    private static (long Ns, string Line, string Metadata) Show(LokiEntry entry) =>
        (entry.TimestampNs, entry.LineText, string.Join(", ", entry.Metadata.Pairs.Select(p => $"{p.Key}={p.Value}")));

    [Fact]
    public void NothingSet_InTheLambdaPromtailScheme_ThereIsNoProcessor()
    {
        Assert.Null(LineProcessor.Create(TestOptions.From(("LABEL_SCHEME", "lambda-promtail")).Processing));
    }

    [Fact]
    public void ReadableDefaults_LambdaLinesCarryLevelAndRequestId_OthersOnlyTheirStream()
    {
        var (entries, counts) = Map(
            "/aws/lambda/checkout",
            [],
            $"START RequestId: {Id1} Version: $LATEST",
            $"2026-11-30T10:04:31.123Z\t{Id1}\tINFO\tcharging card",
            $"2026-11-30T10:04:31.124Z\t{Id1}\tINFO\tcalling the bank",
            $"2026-11-30T10:04:31.456Z\t{Id1}\tERROR\tcard declined",
            $"END RequestId: {Id1}",
            $"2026-11-30T10:04:32.000Z\t{Id2}\tINFO\tnext request",
            "a line of no known format");

        Assert.Equal(
            [
                (1_795_363_200_000_000_000L, $"START RequestId: {Id1} Version: $LATEST", $"log_stream=2026/11/30/[$LATEST]abc, request_id={Id1}"),
                (1_795_363_200_001_000_000L, $"2026-11-30T10:04:31.123Z\t{Id1}\tINFO\tcharging card", $"log_stream=2026/11/30/[$LATEST]abc, level=info, request_id={Id1}"),
                (1_795_363_200_002_000_000L, $"2026-11-30T10:04:31.124Z\t{Id1}\tINFO\tcalling the bank", $"log_stream=2026/11/30/[$LATEST]abc, level=info, request_id={Id1}"),
                (1_795_363_200_003_000_000L, $"2026-11-30T10:04:31.456Z\t{Id1}\tERROR\tcard declined", $"log_stream=2026/11/30/[$LATEST]abc, level=error, request_id={Id1}"),
                (1_795_363_200_004_000_000L, $"END RequestId: {Id1}", $"log_stream=2026/11/30/[$LATEST]abc, request_id={Id1}"),
                (1_795_363_200_005_000_000L, $"2026-11-30T10:04:32.000Z\t{Id2}\tINFO\tnext request", $"log_stream=2026/11/30/[$LATEST]abc, level=info, request_id={Id2}"),
                (1_795_363_200_006_000_000L, "a line of no known format", "log_stream=2026/11/30/[$LATEST]abc"),
            ],
            entries.Select(Show));
        Assert.Empty(counts.Dropped);
        // Consecutive lines of one request with one level share their metadata object.
        Assert.Same(entries[1].Metadata, entries[2].Metadata);
        Assert.NotSame(entries[2].Metadata, entries[3].Metadata);
    }

    [Fact]
    public void PlatformLinesDropped_AreCountedAsPlatform()
    {
        var (entries, counts) = Map(
            "/aws/lambda/checkout",
            [("LAMBDA_PLATFORM_LINES", "drop")],
            $"START RequestId: {Id1} Version: $LATEST",
            $"2026-11-30T10:04:31.123Z\t{Id1}\tINFO\tkept",
            $"END RequestId: {Id1}",
            $"REPORT RequestId: {Id1}\tDuration: 1.00 ms",
            """{"time":"2026-11-30T10:04:31.000Z","type":"platform.runtimeDone","record":{"requestId":"6f1c7e4a-2b3d-4c5e-8f90-a1b2c3d4e5f6","status":"success"}}""");

        Assert.Equal([$"2026-11-30T10:04:31.123Z\t{Id1}\tINFO\tkept"], entries.Select(e => e.LineText));
        Assert.Equal(new Dictionary<string, int> { ["platform"] = 4 }, counts.Dropped);
    }

    [Fact]
    public void ExcludeWinsOverInclude_AndEachDropHasItsReason()
    {
        var (entries, counts) = Map(
            "/ecs/payments",
            [("INCLUDE_PATTERN", "ERROR|WARN"), ("EXCLUDE_PATTERN", "healthcheck")],
            "INFO started",
            "ERROR payment failed",
            "WARN healthcheck slow",
            "DEBUG noise",
            "WARN retrying");

        Assert.Equal(["ERROR payment failed", "WARN retrying"], entries.Select(e => e.LineText));
        Assert.Equal(new Dictionary<string, int> { ["excluded"] = 1, ["not_included"] = 2 }, counts.Dropped);
    }

    [Fact]
    public void FireLensRecords_ShipTheirLog_WithTheContainerAsMetadata_AndAreFilteredOnTheLog()
    {
        var (entries, counts) = Map(
            "/ecs/web",
            [("EXCLUDE_PATTERN", "^GET /health")],
            """{"container_id":"c1","container_name":"web","ecs_cluster":"prod","ecs_task_arn":"arn:aws:ecs:eu-west-1:111122223333:task/prod/t1","ecs_task_definition":"web:42","log":"POST /orders 201","source":"stdout"}""",
            """{"container_id":"c1","container_name":"web","ecs_cluster":"prod","ecs_task_arn":"arn:aws:ecs:eu-west-1:111122223333:task/prod/t1","ecs_task_definition":"web:42","log":"GET /health 200","source":"stdout"}""",
            """{"container_name":"sidecar","log":"ready","source":"stderr"}""");

        Assert.Equal(
            [
                (1_795_363_200_000_000_000L, "POST /orders 201", "log_stream=2026/11/30/[$LATEST]abc, container_name=web, container_id=c1, ecs_cluster=prod, ecs_task_arn=arn:aws:ecs:eu-west-1:111122223333:task/prod/t1, ecs_task_definition=web:42, source=stdout"),
                (1_795_363_200_002_000_000L, "ready", "log_stream=2026/11/30/[$LATEST]abc, container_name=sidecar, source=stderr"),
            ],
            entries.Select(Show));
        Assert.Equal(new Dictionary<string, int> { ["excluded"] = 1 }, counts.Dropped);
    }

    [Fact]
    public void FireLensAndLambdaMetadata_CanBeTurnedOff()
    {
        const string fireLens = """{"container_name":"web","log":"x","source":"stdout"}""";

        var (entries, _) = Map("/ecs/web", [("FIRELENS_UNWRAP", "false"), ("LAMBDA_METADATA", "false")], fireLens, $"2026-11-30T10:04:31.123Z\t{Id1}\tINFO\ty");

        Assert.Equal(
            [(1_795_363_200_000_000_000L, fireLens, "log_stream=2026/11/30/[$LATEST]abc"), (1_795_363_200_001_000_000L, $"2026-11-30T10:04:31.123Z\t{Id1}\tINFO\ty", "log_stream=2026/11/30/[$LATEST]abc")],
            entries.Select(Show));
    }

    [Fact]
    public void LinesAreCutAfterUnwrapping_AndCounted()
    {
        var log = new string('x', 300);
        var (entries, counts) = Map("/ecs/web", [("MAX_LINE_SIZE", "200")], $$"""{"container_name":"web","log":"{{log}}"}""");

        Assert.Equal(200, Assert.Single(entries).LineBytes);
        Assert.EndsWith("…[truncated by LokiShipper, 300 bytes]", entries[0].LineText, StringComparison.Ordinal);
        Assert.Equal(1, counts.Truncated);
    }

    [Theory]
    [InlineData("INCLUDE_PATTERN", "(unclosed", "INCLUDE_PATTERN is not a valid regular expression at position 9: InsufficientClosingParentheses (in '(unclosed')")]
    [InlineData("EXCLUDE_PATTERN", "a[b", "EXCLUDE_PATTERN is not a valid regular expression at position 3: UnterminatedBracket (in 'a[b')")]
    [InlineData("LAMBDA_PLATFORM_LINES", "hide", "LAMBDA_PLATFORM_LINES must be 'keep' or 'drop'")]
    [InlineData("FIRELENS_UNWRAP", "yes", "FIRELENS_UNWRAP must be 'true' or 'false'")]
    public void BadSettings_NameTheVariable(string variable, string value, string problem)
    {
        var error = Assert.Throws<LokiShipper.Configuration.ConfigurationException>(() => TestOptions.From((variable, value)));

        Assert.Equal([problem], error.Problems);
    }

    [Fact]
    public void APatternThatWouldBacktrack_IsRefusedWhenItNeedsBacktracking_AndLinearOtherwise()
    {
        var error = Assert.Throws<LokiShipper.Configuration.ConfigurationException>(() => TestOptions.From(("EXCLUDE_PATTERN", @"(\w+)\1")));
        Assert.StartsWith("EXCLUDE_PATTERN uses a construct matching in linear time cannot support", Assert.Single(error.Problems), StringComparison.Ordinal);

        // The classic catastrophic pattern is fine: NonBacktracking matches it in linear time.
        var (entries, counts) = Map("/ecs/web", [("EXCLUDE_PATTERN", "^(a+)+$")], new string('a', 5000) + "!", "aaaa");
        Assert.Equal([new string('a', 5000) + "!"], entries.Select(e => e.LineText));
        Assert.Equal(new Dictionary<string, int> { ["excluded"] = 1 }, counts.Dropped);
    }
}
