using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using LokiShipper.Configuration;
using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Loki.Encoders;
using LokiShipper.Pipeline;
using LokiShipper.Sources;
using LokiShipper.Runtime;

namespace LokiShipper.Benchmarks;

/// <summary>
/// Each stage alone, and the whole pipeline without network, on the same payload. The baseline is what any shipper
/// must do first (base64 decode + gunzip), so the pipeline's Ratio says how many times that it costs.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShipperBenchmarkConfig))]
public class StageBenchmarks
{
    // Pacing off: the same event pushed over and over would otherwise wait for Loki's per-stream rate (3 MB/s).
    private static readonly ShipperOptions Options = ShipperOptionsParser.Parse(name => name switch
    {
        "WRITE_ADDRESS" => "http://null.invalid",
        "STREAM_RATE_LIMIT" or "INGESTION_RATE_LIMIT" => "0",
        _ => null,
    });

    private Payload _payload = null!;
    private byte[] _compressed = null!;
    private EventRouter _router = null!;
    private LogRecord _record;
    private InputEvent _recordEvent = null!;
    private RecordMapper _mapper = null!;
    private Batcher _batcher = null!;
    private IReadOnlyList<PushBatch> _batches = null!;
    private ProtobufSnappyEncoder _protobuf = null!;
    private JsonPushEncoder _json = null!;
    private ShipperPipeline _pipeline = null!;
    private byte[] _inflated = null!;

    [Params(Payload.OpenStack3500, Payload.Lambda40)]
    public string PayloadName { get; set; } = Payload.OpenStack3500;

    [GlobalSetup]
    public void Setup()
    {
        _payload = Payload.Get(PayloadName);
        using (var document = JsonDocument.Parse(_payload.EventJson))
        {
            _compressed = document.RootElement.GetProperty("awslogs").GetProperty("data").GetBytesFromBase64();
        }

        _inflated = new byte[_payload.InputBytes + 1];
        _router = Composition.CreateRouter(Options.SourcesSlice());
        _recordEvent = _router.Read(_payload.EventJson); // kept for the whole run: its lines are what the stages map
        _record = _recordEvent.Items[0].Records[0];
        _mapper = new RecordMapper(new StreamLabeler(Options.LabelsSlice()), Options.MaxLineSize);
        _batcher = MapRecord();
        _batches = _batcher.Build(Options.BatchSize);
        _protobuf = new ProtobufSnappyEncoder();
        _json = new JsonPushEncoder(gzip: true);
        _pipeline = Composition.CreatePipeline(Options, new EncodingNullSink(_protobuf), TimeProvider.System);
    }

    /// <summary>base64 → gunzip of <c>awslogs.data</c>, into a buffer allocated once: the floor for any shipper.</summary>
    [Benchmark(Baseline = true)]
    public int Base64AndGunzip()
    {
        var data = _payload.EventJson.AsSpan();
        var start = data.IndexOf("\"data\""u8) + 6;
        start += data[start..].IndexOf((byte)'"') + 1;
        var length = data[start..].IndexOf((byte)'"');
        var compressed = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            System.Buffers.Text.Base64.DecodeFromUtf8(data.Slice(start, length), compressed, out _, out var written);
            using var gzip = new GZipStream(new MemoryStream(compressed, 0, written), CompressionMode.Decompress);
            var total = 0;
            int read;
            while ((read = gzip.Read(_inflated, total, _inflated.Length - total)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    [Benchmark]
    public int Decode()
    {
        // Disposed as the pipeline does, so its line buffers go back to the pool.
        using var incoming = _router.Read(_payload.EventJson);
        return incoming.Items[0].Records[0].Lines.Count;
    }

    [Benchmark]
    public int MapAndLabel()
    {
        using var batcher = MapRecord();
        return batcher.EntryCount;
    }

    [Benchmark]
    public int Batch() => _batcher.Build(Options.BatchSize).Count;

    [Benchmark]
    public long EncodeProtobufSnappy() => Encode(_protobuf, includeMetadata: true);

    [Benchmark]
    public long EncodeJsonGzip() => Encode(_json, includeMetadata: false);

    /// <summary>Decode, map, batch and encode called one after the other: what the pipeline adds is the difference.</summary>
    [Benchmark]
    public long StagesInSequence()
    {
        using var incoming = _router.Read(_payload.EventJson);
        using var batcher = new Batcher();
        _mapper.Map(incoming.Items[0].Records[0], 0, batcher);
        long bytes = 0;
        foreach (var batch in batcher.Build(Options.BatchSize))
        {
            using var request = _protobuf.Encode(batch, includeMetadata: true);
            bytes += request.Length;
        }

        return bytes;
    }

    [Benchmark]
    public async Task<int> WholePipeline()
    {
        var summary = await _pipeline.RunAsync(_payload.EventJson, new InvocationContext("bench", DateTimeOffset.UtcNow.AddMinutes(1)), CancellationToken.None);
        return summary.EntriesPushed;
    }

    private Batcher MapRecord()
    {
        var batcher = new Batcher();
        _mapper.Map(_record, 0, batcher);
        return batcher;
    }

    private long Encode(IPushEncoder encoder, bool includeMetadata)
    {
        long bytes = 0;
        foreach (var batch in _batches)
        {
            using var request = encoder.Encode(batch, includeMetadata);
            bytes += request.Length;
        }

        return bytes;
    }

    /// <summary>Push stage without network: encodes as the HTTP sink does, and counts every entry as stored.</summary>
    private sealed class EncodingNullSink(IPushEncoder encoder) : ILokiSink
    {
        public Task<PushResult> PushAsync(PushBatch batch, DateTimeOffset giveUpAt, CancellationToken cancellationToken)
        {
            using var request = encoder.Encode(batch, includeMetadata: true);
            return Task.FromResult(PushResult.AllStored(batch.EntryCount, request.Length));
        }
    }
}
