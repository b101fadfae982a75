using System.IO.Compression;
using System.Text;
using Xunit.Abstractions;
using LokiShipper.Cli;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Faults;

/// <summary>
/// Hostile and huge input through the real CLI process (dry run): each case gets a specific error or is handled,
/// and the process's peak memory is measured and printed (bounded generously, never timed).
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output) : IDisposable
{
    private const long MemoryBound = 512L * 1024 * 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("lokishipper-bad-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private async Task<ChildRun> Run(string file, params (string, string)[] environment)
    {
        var run = await ChildProcess.RunCliAsync(environment.ToDictionary(e => e.Item1, e => e.Item2), "invoke", file, "--dry-run");
        output.WriteLine($"| {Path.GetFileName(file)} ({new FileInfo(file).Length:N0} bytes) | exit {run.ExitCode} | peak {run.PeakBytes / (1024.0 * 1024):F0} MiB | {run.Stderr.Trim().Split('\n')[^1][..Math.Min(200, run.Stderr.Trim().Split('\n')[^1].Length)]} |");
        Assert.InRange(run.PeakBytes, 1, MemoryBound);
        return run;
    }

    [Fact]
    public async Task A_gzip_bomb_of_one_gibibyte_of_zeros_stops_at_the_cap()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 1024; i++)
            {
                gzip.Write(zeros);
            }
        }

        var file = Write("gzip-bomb-1GiB.json", SubscriptionEventWriter.WrapData(Convert.ToBase64String(compressed.ToArray())));

        var run = await Run(file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("awslogs.data decompresses to more than MAX_DECOMPRESSED_BYTES (67108864 bytes); refusing to read further", run.Stderr);
    }

    [Fact]
    public async Task A_ten_megabyte_message_is_truncated_to_max_line_size()
    {
        var message = string.Concat(Enumerable.Repeat("0123456789abcdef ünïcödé ", 400_000)); // 10.4 MB of UTF-8
        var file = Write("single-10MB-message.json", SubscriptionEventWriter.LambdaEvent("/aws/lambda/big", "s", [new SampleLogEvent(1_795_000_000_000, message)]));

        var run = await Run(file);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"entries_in\":1,\"entries_pushed\":1,", run.Stderr);
        Assert.Contains("\"lines_truncated\":1,", run.Stderr);
        Assert.InRange(run.StdoutBytes, 262_144, 300_000);
    }

    [Fact]
    public async Task A_ten_megabyte_message_is_sent_whole_with_no_line_limit()
    {
        var message = new string('x', 10_000_000);
        var file = Write("single-10MB-message-unlimited.json", SubscriptionEventWriter.LambdaEvent("/aws/lambda/big", "s", [new SampleLogEvent(1_795_000_000_000, message)]));

        var run = await Run(file, ("MAX_LINE_SIZE", "0"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"lines_truncated\":0,\"batches\":1,", run.Stderr);
        Assert.True(run.StdoutBytes > 10_000_000);
    }

    [Fact]
    public async Task A_hundred_thousand_tiny_events_are_all_shipped()
    {
        var events = Enumerable.Range(0, 100_000).Select(i => new SampleLogEvent(1_795_000_000_000 + i, $"e{i}")).ToList();
        var file = Write("100k-tiny-events.json", SubscriptionEventWriter.LambdaEvent("/aws/lambda/chatty", "s", events));

        var run = await Run(file);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"entries_in\":100000,\"entries_pushed\":100000,", run.Stderr);
    }

    [Theory]
    [InlineData("bad-base64", """{"awslogs":{"data":"not base64!"}}""", "awslogs.data is not valid base64")]
    [InlineData("not-json", "this is not JSON", "the event is not valid JSON:")]
    [InlineData("wrong-shape", """{"detail-type":"Scheduled Event","source":"aws.events"}""", "unsupported event shape:")]
    [InlineData("awslogs-not-object", """{"awslogs":[1,2,3]}""", "awslogs.data is missing or not a string")]
    public async Task Malformed_events_fail_with_a_specific_message(string name, string content, string expected)
    {
        var run = await Run(Write(name + ".json", Encoding.UTF8.GetBytes(content)));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(expected, run.Stderr);
    }

    [Fact]
    public async Task Truncated_gzip_and_missing_log_events_are_named()
    {
        var gzip = SubscriptionEventWriter.Gzip(SubscriptionEventWriter.RecordJson("/g", "s", [new SampleLogEvent(1, new string('z', 10_000))]));
        var truncated = await Run(Write("truncated-gzip.json", SubscriptionEventWriter.WrapData(Convert.ToBase64String(gzip[..(gzip.Length / 2)]))));
        var missing = await Run(Write("missing-logEvents.json", SubscriptionEventWriter.LambdaEvent(Encoding.UTF8.GetBytes("""{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s"}"""))));

        Assert.Equal((1, 1), (truncated.ExitCode, missing.ExitCode));
        Assert.Contains("awslogs.data is truncated or corrupt gzip", truncated.Stderr);
        Assert.Contains("awslogs.data: logEvents is missing in a DATA_MESSAGE", missing.Stderr);
    }
}
