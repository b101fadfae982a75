using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using LokiShipper.Configuration;
using LokiShipper.Loki;
using LokiShipper.Loki.Encoders;
using LokiShipper.Pipeline;
using LokiShipper.Processing.Redaction;
using LokiShipper.Runtime;

namespace LokiShipper.Benchmarks;

/// <summary>
/// <see cref="Redactor.Redact"/> over every line of an event, against the whole pipeline with redaction off on the
/// 1.4 MB OpenStack event: the aim is that redaction with every rule on adds at most that pipeline's time again
/// (a Ratio of at most 1.00 here).
/// </summary>
/// <remarks>
/// Line sets: <c>openstack-3500</c> is the pipeline's own event (an IPv4 address in nearly every line, so most lines
/// change); <c>app-3500-clean</c> is what an application's Lambda functions log (text and JSON lines with request
/// ids, timestamps, ARNs, X-Ray ids, versions, REPORT lines: nothing to redact); <c>app-3500-some</c> is the same
/// with one line in ten carrying an address, a key, a token or a masked JSON property.
/// </remarks>
[MemoryDiagnoser]
public class RedactionBenchmarks
{
    public const string OpenStack = Payload.OpenStack3500;
    public const string AppClean = "app-3500-clean";
    public const string AppSome = "app-3500-some";

    private const string MaskedKeys = "password,secret,token,authorization,api_key";
    private const string Pattern = @"customer_id=\d+=>customer_id=***";

    private ReadOnlyMemory<byte>[] _lines = [];
    private InputEvent? _event;
    private ShipperPipeline _pipeline = null!;
    private byte[] _pipelineEvent = [];
    private Redactor _rules = null!;
    private Redactor _everything = null!;

    [Params(OpenStack, AppClean, AppSome)]
    public string Lines { get; set; } = OpenStack;

    [GlobalSetup]
    public void Setup()
    {
        // No rate limits: pacing would make the pipeline wait for its token buckets between runs of the same event.
        var options = ShipperOptionsParser.Parse(name => name switch
        {
            "WRITE_ADDRESS" => "http://null.invalid",
            "STREAM_RATE_LIMIT" or "INGESTION_RATE_LIMIT" => "0",
            _ => null,
        });
        var openStack = Payload.Get(OpenStack);
        _pipelineEvent = openStack.EventJson;
        _pipeline = Composition.CreatePipeline(options, new EncodingNullSink(), TimeProvider.System);
        if (Lines == OpenStack)
        {
            _event = Composition.CreateRouter(options.SourcesSlice()).Read(openStack.EventJson); // its lines live as long as it does
            _lines = [.. _event.Items[0].Records[0].Lines.Select(line => line.Utf8)];
        }
        else
        {
            _lines = AppLines(3500, secretsEvery: Lines == AppSome ? 10 : 0);
        }

        _rules = Create("all", null, null);
        _everything = Create("all", Pattern, MaskedKeys);
    }

    [GlobalCleanup]
    public void Cleanup() => _event?.Dispose();

    /// <summary>The yardstick: the 1.4 MB event through the whole pipeline (encoded, not sent), redaction off.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> WholePipeline()
    {
        var summary = await _pipeline.RunAsync(_pipelineEvent, new InvocationContext("bench", DateTimeOffset.UtcNow.AddMinutes(1)), CancellationToken.None);
        return summary.EntriesPushed;
    }

    /// <summary>REDACT=all.</summary>
    [Benchmark]
    public int RedactAllRules() => RedactEvery(_rules);

    /// <summary>REDACT=all, MASK_JSON_KEYS and a REDACT_PATTERNS entry: every line is also transcoded for the regex.</summary>
    [Benchmark]
    public int RedactEverything() => RedactEvery(_everything);

    private int RedactEvery(Redactor redactor)
    {
        var changed = 0;
        foreach (var line in _lines)
        {
            redactor.Redact(line, out var lineChanged);
            changed += lineChanged ? 1 : 0;
        }

        return changed;
    }

    private static Redactor Create(string redact, string? patterns, string? keys)
    {
        var problems = new List<string>();
        var options = RedactionOptionsParser.Parse(redact, patterns, keys, problems);
        return problems.Count == 0 ? Redactor.Create(options)! : throw new InvalidOperationException(string.Join("; ", problems));
    }

    /// <summary>Lines as Lambda functions log them (170 bytes on average: 0.6 MB for 3,500), the same on every run.</summary>
    public static ReadOnlyMemory<byte>[] AppLines(int count, int secretsEvery)
    {
        var lines = new ReadOnlyMemory<byte>[count];
        for (var i = 0; i < count; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{0x1e1b7551 + i:x8}-{i % 10000:D4}-4c2a-9b3d-6f5e4d3c2b1a");
            var time = string.Create(CultureInfo.InvariantCulture, $"2026-11-30T10:{i / 60 % 60:D2}:{i % 60:D2}.{i % 1000:D3}Z");
            var line = (i % 7) switch
            {
                0 => $"START RequestId: {id} Version: $LATEST",
                1 => $"{time}\t{id}\tINFO\tprocessed order {1000 + i} for customer c-{i * 37} in {i % 50} ms (cart {i % 9} items, total {i % 300}.{i % 100:D2} EUR, attempt 1 of 3)",
                2 => $$"""{"timestamp":"{{time}}","level":"info","requestId":"{{id}}","service":"checkout-api","version":"v2.14.0","msg":"order stored","orderId":"o-{{i}}","durationMs":{{i % 90}}.5,"table":"arn:aws:dynamodb:eu-west-1:123456789012:table/orders"}""",
                3 => $"{time}\t{id}\tWARN\tretrying PutItem on arn:aws:dynamodb:eu-west-1:123456789012:table/orders after ProvisionedThroughputExceededException (trace 1-5f84c7a3-3b1a2c4d5e6f7a8b9c0d1e2f)",
                4 => $$$"""{"timestamp":"{{{time}}}","level":"debug","requestId":"{{{id}}}","http":{"method":"GET","path":"/api/v1/orders/{{{i}}}","status":200,"bytes":{{{i * 13 % 5000}}},"userAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36"}}""",
                5 => $"END RequestId: {id}",
                _ => $"REPORT RequestId: {id}\tDuration: {i % 90}.{i % 100:D2} ms\tBilled Duration: {(i % 90) + 1} ms\tMemory Size: 512 MB\tMax Memory Used: {60 + (i % 20)} MB\t",
            };
            if (secretsEvery > 0 && i % secretsEvery == secretsEvery - 1)
            {
                line = (i / secretsEvery % 5) switch
                {
                    0 => $"{time}\t{id}\tINFO\tuser bob{i}@example.com logged in from 203.0.113.{i % 250 + 1}",
                    1 => $$$"""{"timestamp":"{{{time}}}","level":"info","requestId":"{{{id}}}","msg":"login","password":"hunter{{{i}}}","client":{"ip":"198.51.100.{{{i % 250 + 1}}}"}}""",
                    2 => $"{time}\t{id}\tDEBUG\tcalling https://api.example.com/v1/charge with Authorization: Bearer 2YotnFZFEjr1zCsicMWpAA{i}",
                    3 => $"{time}\t{id}\tINFO\tcustomer_id={i} updated, card 4111 1111 1111 1111 on file",
                    _ => $"{time}\t{id}\tERROR\tconnect postgres://app:s3cr3t{i}@db.internal:5432/orders failed with key AKIAIOSFODNN7EXAMPLE",
                };
            }

            lines[i] = Encoding.UTF8.GetBytes(line);
        }

        return lines;
    }

    /// <summary>Push stage without network, as in <see cref="StageBenchmarks"/>: encodes as the HTTP sink does, counts every entry as stored.</summary>
    private sealed class EncodingNullSink : ILokiSink
    {
        private readonly ProtobufSnappyEncoder _encoder = new();

        public Task<PushResult> PushAsync(PushBatch batch, DateTimeOffset giveUpAt, CancellationToken cancellationToken)
        {
            using var request = _encoder.Encode(batch, includeMetadata: true);
            return Task.FromResult(PushResult.AllStored(batch.EntryCount, request.Length));
        }
    }
}
