using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using LokiShipper.Configuration;
using LokiShipper.Diagnostics;
using LokiShipper.Function;
using LokiShipper.Pipeline;
using LokiShipper.Runtime;
using LokiShipper.Sources.S3;
using LokiShipper.Sources.S3.Reading;
using LokiShipper.Sources.S3.Triggers;

namespace LokiShipper.Cli;

/// <summary>
/// <c>bench</c>: runs the real handler many times on one event file and reports time per invocation, throughput,
/// allocations and peak working set. Against <c>WRITE_ADDRESS</c>, or with <c>--null</c> (or no address) against an
/// in-process HTTP handler that reads each request and answers 204: everything but the network.
/// </summary>
internal sealed class BenchCommand
{
    private readonly TextWriter _output;

    public BenchCommand(TextWriter output)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
    }

    /// <summary>What one run measured.</summary>
    public sealed record Result(
        int Invocations,
        int Failed,
        int Events,
        long LineBytes,
        long InputBytes,
        double P50Ms,
        double P90Ms,
        double MaxMs,
        double MeanMs,
        long AllocatedBytesPerInvocation,
        long PeakWorkingSetBytes,
        int Requests)
    {
        /// <summary>For S3 events: the objects read from S3 and gunzipped, nothing else, in this process: the floor.</summary>
        public double? BaselineMs { get; init; }

        public double EventsPerSecond => Events / (MeanMs / 1000);

        public double LineMegabytesPerSecond => LineBytes / 1e6 / (MeanMs / 1000);

        /// <summary>Bytes allocated per byte of decompressed subscription JSON.</summary>
        public double AllocatedPerInputByte => InputBytes == 0 ? 0 : (double)AllocatedBytesPerInvocation / InputBytes;
    }

    public async Task<Result> RunAsync(string eventFile, ShipperOptions options, int invocations, int warmup, bool nullSink, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var payload = await File.ReadAllBytesAsync(eventFile).ConfigureAwait(false);
        var (events, lineBytes, inputBytes) = Measure(payload);
        double? baselineMs = null;
        if (S3Objects(payload) is { Count: > 0 } objects)
        {
            // S3 objects: their lines are in S3, not in the event. Reading them (once to warm up, then 3 times, the median)
            // measures them and gives the floor.
            (events, lineBytes, _) = await ReadObjectsAsync(objects).ConfigureAwait(false);
            var reads = new double[3];
            for (var i = 0; i < reads.Length; i++)
            {
                reads[i] = (await ReadObjectsAsync(objects).ConfigureAwait(false)).Ms;
            }

            Array.Sort(reads);
            baselineMs = reads[1];
            inputBytes = lineBytes;
        }

        var counter = new NullLokiHandler();
        if (nullSink)
        {
            // No Loki, no rate limits: the bench measures the function, not the pace it keeps for Loki.
            options = options with { WriteAddress = new Uri("http://null.invalid/loki/api/v1/push"), StreamRateLimit = RateLimit.Off, IngestionRateLimit = RateLimit.Off };
        }

        var handler = Composition.CreateFunction(options, new ShipperLog(TextWriter.Null, options.LogLevel), time, nullSink ? counter : null, Stream.Null, emitMetrics: false);
        var failed = 0;
        async Task<double> InvokeOnceAsync(int n)
        {
            var context = new InvocationContext($"bench-{n}", time.GetUtcNow().AddMinutes(5));
            var started = Stopwatch.GetTimestamp();
            try
            {
                await handler.HandleAsync(payload, context, CancellationToken.None).ConfigureAwait(false);
            }
            catch (InvocationFailedException)
            {
                failed++;
            }

            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        for (var i = 0; i < warmup; i++)
        {
            await InvokeOnceAsync(-i).ConfigureAwait(false);
        }

        failed = 0;
        var requestsBefore = counter.Requests;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var timings = new double[invocations];
        for (var i = 0; i < invocations; i++)
        {
            timings[i] = await InvokeOnceAsync(i).ConfigureAwait(false);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Array.Sort(timings);
        using var process = Process.GetCurrentProcess();
        return new Result(
            invocations,
            failed,
            events,
            lineBytes,
            inputBytes,
            Percentile(timings, 0.50),
            Percentile(timings, 0.90),
            timings[^1],
            timings.Average(),
            allocated / invocations,
            process.PeakWorkingSet64,
            nullSink ? (counter.Requests - requestsBefore) / invocations : 0)
        {
            BaselineMs = baselineMs,
        };
    }

    /// <summary>The objects an S3 event names (directly, through SNS or EventBridge), or none for other events.</summary>
    private static IReadOnlyList<S3ObjectRef>? S3Objects(byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        return S3Notifications.TryReadLambdaEvent(document.RootElement)?.Objects;
    }

    /// <summary>Reads the objects as the function reads them, GET and gunzip only: lines, bytes, and the time it took.</summary>
    private static async Task<(int Lines, long Bytes, double Ms)> ReadObjectsAsync(IReadOnlyList<S3ObjectRef> objects)
    {
        using var s3 = AwsS3Objects.FromEnvironment();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        var (lines, bytes) = (0, 0L);
        var started = Stopwatch.GetTimestamp();
        foreach (var obj in objects)
        {
            await using var content = await s3.OpenAsync(obj, CancellationToken.None).ConfigureAwait(false);
            int read;
            while ((read = await content.Content.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                bytes += read;
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
        }

        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        ArrayPool<byte>.Shared.Return(buffer);
        return (lines, bytes, ms);
    }

    public void Print(string eventFile, Result result, string sink)
    {
        ArgumentNullException.ThrowIfNull(result);
        var c = CultureInfo.InvariantCulture;
        _output.WriteLine(string.Create(c, $"bench {eventFile}: {result.Events:N0} events, {result.LineBytes / 1e6:F2} MB of lines, {result.InputBytes / 1e6:F2} MB of decompressed JSON; {result.Invocations} invocations, sink: {sink}"));
        _output.WriteLine(string.Create(c, $"  per invocation  p50 {result.P50Ms:F1} ms   p90 {result.P90Ms:F1} ms   max {result.MaxMs:F1} ms   mean {result.MeanMs:F1} ms{(result.Failed > 0 ? $"   FAILED {result.Failed}" : string.Empty)}"));
        _output.WriteLine(string.Create(c, $"  throughput      {result.EventsPerSecond:N0} events/s   {result.LineMegabytesPerSecond:F1} MB/s of lines{(result.Requests > 0 ? $"   {result.Requests} requests per invocation" : string.Empty)}"));
        if (result.BaselineMs is { } baseline)
        {
            _output.WriteLine(string.Create(c, $"  baseline        S3 GET + gunzip only: {baseline:F1} ms = {result.LineBytes / 1e6 / (baseline / 1000):F1} MB/s; the handler takes {result.MeanMs / baseline:F2}x that"));
        }

        _output.WriteLine(string.Create(c, $"  allocated       {result.AllocatedBytesPerInvocation / 1e6:F2} MB per invocation ({result.AllocatedPerInputByte:F2} bytes per byte of decompressed JSON)"));
        _output.WriteLine(string.Create(c, $"  peak working set {result.PeakWorkingSetBytes / (1024.0 * 1024):F0} MiB (whole process)"));
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>Events, UTF-8 bytes of their lines, and bytes of decompressed subscription JSON in an event file.</summary>
    public static (int Events, long LineBytes, long InputBytes) Measure(byte[] eventJson)
    {
        var events = 0;
        long lineBytes = 0, inputBytes = 0;
        using var document = JsonDocument.Parse(eventJson);
        foreach (var data in DataFields(document.RootElement))
        {
            var bytes = Convert.FromBase64String(data);
            var json = bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b ? Gunzip(bytes) : bytes;
            inputBytes += json.Length;
            using var record = JsonDocument.Parse(json);
            if (record.RootElement.TryGetProperty("logEvents", out var logEvents) && record.RootElement.GetProperty("messageType").ValueEquals("DATA_MESSAGE"))
            {
                foreach (var logEvent in logEvents.EnumerateArray())
                {
                    events++;
                    lineBytes += Encoding.UTF8.GetByteCount(logEvent.GetProperty("message").GetString()!);
                }
            }
        }

        return (events, lineBytes, inputBytes);
    }

    private static IEnumerable<string> DataFields(JsonElement root)
    {
        if (root.TryGetProperty("awslogs", out var awslogs))
        {
            yield return awslogs.GetProperty("data").GetString()!;
        }

        if (root.TryGetProperty("Records", out var records))
        {
            foreach (var record in records.EnumerateArray())
            {
                if (record.TryGetProperty("kinesis", out var kinesis))
                {
                    yield return kinesis.GetProperty("data").GetString()!;
                }
                else if (record.TryGetProperty("body", out var body))
                {
                    using var message = JsonDocument.Parse(body.GetString()!);
                    if (message.RootElement.TryGetProperty("requestPayload", out var original))
                    {
                        yield return original.GetProperty("awslogs").GetProperty("data").GetString()!;
                    }
                }
            }
        }
    }

    private static byte[] Gunzip(byte[] compressed)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress))
        {
            gzip.CopyTo(output);
        }

        return output.ToArray();
    }

    /// <summary>Loki without a network: reads each request body to the end, as a server would, and answers 204.</summary>
    private sealed class NullLokiHandler : HttpMessageHandler
    {
        private int _requests;

        public int Requests => _requests;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(81920);
                try
                {
                    var body = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                    await using (body.ConfigureAwait(false))
                    {
                        while (await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
                        {
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            Interlocked.Increment(ref _requests);
            return new HttpResponseMessage(HttpStatusCode.NoContent) { RequestMessage = request };
        }
    }
}
