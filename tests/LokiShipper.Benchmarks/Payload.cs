using System.Globalization;
using LokiShipper.Cli;

namespace LokiShipper.Benchmarks;

/// <summary>A benchmark input: a CloudWatch Logs subscription event as Lambda delivers it, and what is inside.</summary>
public sealed class Payload
{
    private static readonly Dictionary<string, Payload> Cache = [];

    private Payload(string name, byte[] eventJson)
    {
        Name = name;
        EventJson = eventJson;
        (Events, LineBytes, InputBytes) = BenchCommand.Measure(eventJson);
    }

    public string Name { get; }

    public byte[] EventJson { get; }

    public int Events { get; }

    public long LineBytes { get; }

    /// <summary>Bytes of decompressed subscription JSON: the uncompressed input the rates are stated against.</summary>
    public long InputBytes { get; }

    public const string OpenStack3500 = "openstack-3500";
    public const string Lambda40 = "lambda-40";

    public static Payload Get(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var payload))
            {
                payload = new Payload(name, Build(name));
                Cache.Add(name, payload);
            }

            return payload;
        }
    }

    private static byte[] Build(string name)
    {
        // Fixed timestamps: every run of every benchmark sees the same bytes.
        const long StartMs = 1_795_363_200_000;
        switch (name)
        {
            case OpenStack3500:
                // 3,500 real lines of loghub's OpenStack sample (https://github.com/logpai/loghub), cycled: ≈ 1.4 MB of JSON.
                var lines = File.ReadAllLines(Loghub("OpenStack_2k.log"));
                return SubscriptionEventWriter.LambdaEvent(
                    "/aws/ecs/openstack-nova",
                    "nova-compute/7f3d2c1b0a9e48d6",
                    Enumerable.Range(0, 3500).Select(i => new SampleLogEvent(StartMs + i, lines[i % lines.Length])).ToList());
            case Lambda40:
                // What a small Lambda function logs in a few invocations: 10 × START, 2 × INFO, END, REPORT... = 40 lines.
                var events = new List<SampleLogEvent>();
                for (var i = 0; i < 10; i++)
                {
                    var id = string.Create(CultureInfo.InvariantCulture, $"1e1b7551-{i:D4}-4c2a-9b3d-6f5e4d3c2b1a");
                    events.Add(new(StartMs + (i * 100), $"START RequestId: {id} Version: $LATEST"));
                    events.Add(new(StartMs + (i * 100) + 1, string.Create(CultureInfo.InvariantCulture, $"2026-11-22T16:00:0{i}.001Z\t{id}\tINFO\tprocessed order {1000 + i} for customer c-{i * 37} in 12 ms")));
                    events.Add(new(StartMs + (i * 100) + 2, $"END RequestId: {id}"));
                    events.Add(new(StartMs + (i * 100) + 3, $"REPORT RequestId: {id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 71 MB"));
                }

                return SubscriptionEventWriter.LambdaEvent("/aws/lambda/checkout-api", "2026/11/22/[$LATEST]7f3d2c1b0a9e48d6b5c4a3f2e1d0c9b8", events);
            default:
                throw new ArgumentException($"unknown payload {name}", nameof(name));
        }
    }

    /// <summary>The loghub sample: the copy in the test project, found from wherever BenchmarkDotNet runs us.</summary>
    internal static string Loghub(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "tests", "LokiShipper.Tests", "TestData", "loghub", file), Path.Combine(dir.FullName, "shared", "corpus", "loghub", file) })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"loghub sample {file} not found above {AppContext.BaseDirectory}");
    }
}
