using System.Globalization;
using BenchmarkDotNet.Attributes;
using LokiShipper.Pipeline;
using LokiShipper.Processing.Multiline;

namespace LokiShipper.Benchmarks;

/// <summary>
/// <see cref="MultilineJoiner.Join"/> on one record of 10,000 lines: typical lines with nothing to join (what every
/// record pays once <c>MULTILINE</c> is on), a Lambda function's lines, and typical lines with a 20-line stack trace
/// after every 40 (a third of the lines joined). Times and allocations are per line (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class MultilineBenchmarks
{
    private const int LineCount = 10_000;
    private const long StartNs = 1_795_363_200_000_000_000;

    private ArraySegment<LogLine> _record;
    private MultilineJoiner _joiner = null!;

    /// <summary><c>MULTILINE</c>: two of the built-in modes and a start pattern (decodes every line).</summary>
    [Params("auto", "java", @"^\d{4}-\d{2}-\d{2}")]
    public string Multiline { get; set; } = "auto";

    [Params("openstack", "lambda", "traces")]
    public string Input { get; set; } = "openstack";

    [GlobalSetup]
    public void Setup()
    {
        _joiner = MultilineJoiner.Create(MultilineOptionsParser.Parse(Multiline, null, 262_144, []))!;
        var lines = Input switch
        {
            "openstack" => OpenStack().Take(LineCount),
            "lambda" => Lambda().Take(LineCount),
            _ => WithTraces().Take(LineCount),
        };
        _record = lines.Select((line, i) => LogLine.FromText(StartNs + (i * LogLine.NanosPerMilli), line)).ToArray();
        var entries = _joiner.Join(_record, out var joined).Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {Input}, MULTILINE={Multiline}: {LineCount} lines -> {entries} entries ({joined} lines joined)"));
    }

    [Benchmark(OperationsPerInvoke = LineCount)]
    public int Join() => _joiner.Join(_record, out var joined).Count + joined;

    /// <summary>loghub's OpenStack sample without its file-name column: <c>2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute…</c>, cycled.</summary>
    private static IEnumerable<string> OpenStack()
    {
        var sample = File.ReadAllLines(Payload.Loghub("OpenStack_2k.log")).Select(line => line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]).ToArray();
        for (var i = 0; ; i++)
        {
            yield return sample[i % sample.Length];
        }
    }

    /// <summary>What a small function logs: START, two runtime lines, END, REPORT per invocation.</summary>
    private static IEnumerable<string> Lambda()
    {
        for (var i = 0; ; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"1e1b7551-{i % 10_000:D4}-4c2a-9b3d-6f5e4d3c2b1a");
            yield return $"START RequestId: {id} Version: $LATEST";
            yield return string.Create(CultureInfo.InvariantCulture, $"2026-11-22T16:00:00.001Z\t{id}\tINFO\tprocessed order {1000 + i} for customer c-{i * 37} in 12 ms");
            yield return string.Create(CultureInfo.InvariantCulture, $"2026-11-22T16:00:00.002Z\t{id}\tINFO\tpublished event order.placed {1000 + i}");
            yield return $"END RequestId: {id}";
            yield return $"REPORT RequestId: {id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 71 MB";
        }
    }

    /// <summary>40 OpenStack lines, then a 20-line trace (Java, Python, .NET and Go in turn), over and over.</summary>
    private static IEnumerable<string> WithTraces()
    {
        string[][] traces =
        [
            ["java.lang.IllegalStateException: Failed to process order 42", .. Frames("\tat com.example.orders.Step{0}.run(Step{0}.java:{0})", 17), "Caused by: java.io.IOException: closed", "\t... 12 more"],
            ["Traceback (most recent call last):", .. Frames("  File \"/app/step{0}.py\", line {0}, in run\n    step{0}()", 9).SelectMany(f => f.Split('\n')), "ValueError: bad amount"],
            ["System.InvalidOperationException: Order 42 could not be saved", " ---> System.IO.IOException: closed", .. Frames("   at Orders.Step{0}.Run() in /src/Orders/Step{0}.cs:line {0}", 17), "   --- End of inner exception stack trace ---"],
            ["panic: boom", "", "goroutine 1 [running]:", .. Frames("main.step{0}()\n\t/app/step{0}.go:{0} +0x1d", 8).SelectMany(f => f.Split('\n')), "exit status 2"],
        ];
        using var typical = OpenStack().GetEnumerator();
        for (var i = 0; ; i++)
        {
            for (var n = 0; n < 40 && typical.MoveNext(); n++)
            {
                yield return typical.Current;
            }

            foreach (var line in traces[i % traces.Length])
            {
                yield return line;
            }
        }
    }

    private static IEnumerable<string> Frames(string format, int count) =>
        Enumerable.Range(1, count).Select(i => string.Format(CultureInfo.InvariantCulture, format, i));
}
