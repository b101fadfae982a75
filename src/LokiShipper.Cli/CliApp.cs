using System.Globalization;
using LokiShipper.Configuration;
using LokiShipper.Diagnostics;
using LokiShipper.Function;
using LokiShipper.Runtime;

namespace LokiShipper.Cli;

/// <summary>
/// The local, no-Docker front end: <c>invoke</c> runs the deployed function's handler on event files with the same
/// environment configuration; <c>events cloudwatch</c>, <c>events kinesis</c> and <c>events s3</c> write sample events. Diagnostics go to stderr, data to
/// stdout. Exit codes: 0 all invocations succeeded, 1 one failed, 2 usage or configuration error.
/// </summary>
internal sealed class CliApp
{
    public const int Success = 0;
    public const int InvocationFailed = 1;
    public const int UsageError = 2;

    public const string Usage = """
        Usage:
          lokishipper invoke EVENT.json [MORE.json ...] [--repeat N] [--timeout SECONDS] [--dry-run]
          lokishipper bench EVENT.json [--invocations N] [--warmup N] [--null]
          lokishipper coldstart [--runs N] [--event EVENT.json] [--env NAME=VALUE ...] -- COMMAND [ARGS ...]
          lokishipper events cloudwatch --log-group G [--log-stream S] [--message M ...] [--message-file FILE]
                                        [--count N] [--owner ID]
          lokishipper events kinesis --log-group G [--log-group G2 ...] [--records N] [--count N] [--message M ...]
                                     [--message-file FILE] [--control-message] [--stream-arn ARN] [--owner ID]
          lokishipper events s3 --bucket B --key K [--region R] [--via direct|sns|sqs|sns-sqs|eventbridge|eventbridge-sqs]
                                [--size N] [--version-id V] [--owner ID]

        invoke   runs the Lambda handler on each file (times --repeat) with the environment's configuration
                 (WRITE_ADDRESS, LABEL_SCHEME, ...). Without WRITE_ADDRESS, or with --dry-run, the push requests
                 it would send are printed to stdout as Loki JSON. One JSON summary line per invocation on stderr.
        bench    runs the handler --invocations times (default 50, after --warmup 5) on one event and prints
                 p50/p90/max per invocation, events/s, MB/s, allocations and peak working set. It pushes to
                 WRITE_ADDRESS, or with --null (or no WRITE_ADDRESS) to an in-process handler that answers 204.
        coldstart  starts COMMAND (the function: "dotnet path/LokiShipper.dll", or a native "path/LokiShipper")
                 --runs times (default 5) against a Runtime API on 127.0.0.1 that hands it --event, and prints
                 the time from process start to its invocation response: min, median, max.
        events   prints a CloudWatch Logs subscription event (gzip'd, base64'd) with current timestamps,
                 one log event per --message or per line of --message-file, cycled to --count events.
                 "events kinesis" prints a Kinesis event of --records records (default: one per log group, taken in
                 turn), each a subscription record of --count events as CloudWatch Logs writes it to a stream;
                 --control-message puts CloudWatch's CONTROL_MESSAGE record first.
                 "events s3" prints what AWS sends when the object --key is created in --bucket (--region,
                 default eu-west-1; account --owner): --via direct (default) the S3 event notification, its key
                 URL-encoded as S3 does (a space as +, a plus as %2B); sns: that notification in an SNS event; sqs: in an SQS event
                 (S3NotificationMode=sqs); sns-sqs: SNS's message in an SQS event; eventbridge: the EventBridge
                 "Object Created" event (key as stored); eventbridge-sqs: that event in an SQS event
                 (S3NotificationMode=eventbridge). Invoking it reads the object from S3.
        """;

    private readonly Stream _stdout;
    private readonly TextWriter _stderr;
    private readonly Func<string, string?> _environment;
    private readonly TimeProvider _time;
    private readonly HttpMessageHandler? _httpHandler;
    private readonly Func<ISecretStore> _secretStore;

    public CliApp(Stream stdout, TextWriter stderr, Func<string, string?> environment, TimeProvider time, HttpMessageHandler? httpHandler = null, Func<ISecretStore>? secretStore = null)
    {
        _stdout = stdout ?? throw new ArgumentNullException(nameof(stdout));
        _stderr = stderr ?? throw new ArgumentNullException(nameof(stderr));
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _httpHandler = httpHandler;
        _secretStore = secretStore ?? (() => new SsmSecretStore());
    }

    public async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            return args switch
            {
                ["invoke", .. var rest] => await InvokeAsync(rest).ConfigureAwait(false),
                ["bench", .. var rest] => await BenchAsync(rest).ConfigureAwait(false),
                ["coldstart", .. var rest] => await ColdStartAsync(rest).ConfigureAwait(false),
                ["events", "cloudwatch" or "kinesis", .. var rest] => Events(args[1], rest),
                ["events", "s3", .. var rest] => S3Events(rest),
                ["-h" or "--help" or "help", ..] => Help(Success),
                _ => Help(UsageError),
            };
        }
        catch (UsageException ex)
        {
            await _stderr.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            await _stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return UsageError;
        }
    }

    private int Help(int code)
    {
        _stderr.WriteLine(Usage);
        return code;
    }

    private async Task<int> InvokeAsync(IReadOnlyList<string> args)
    {
        var files = new List<string>();
        var repeat = 1;
        var timeout = TimeSpan.FromSeconds(60);
        var dryRun = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--repeat":
                    repeat = PositiveInt(args, ref i, "--repeat");
                    break;
                case "--timeout":
                    timeout = TimeSpan.FromSeconds(PositiveInt(args, ref i, "--timeout"));
                    break;
                case "--dry-run":
                    dryRun = true;
                    break;
                case var flag when flag.StartsWith("--", StringComparison.Ordinal):
                    throw new UsageException($"unknown option {flag}");
                default:
                    files.Add(args[i]);
                    break;
            }
        }

        if (files.Count == 0)
        {
            throw new UsageException("invoke needs at least one event file");
        }

        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                throw new UsageException($"event file not found: {file}");
            }
        }

        if (await LoadOptionsAsync().ConfigureAwait(false) is not { } options)
        {
            return UsageError;
        }

        if (dryRun)
        {
            options = options with { WriteAddress = null };
        }

        var log = new ShipperLog(_stderr, options.LogLevel);
        Composition.ReportIgnoredSettings(options, log);
        var handler = Composition.CreateFunction(options, log, _time, _httpHandler, _stdout, emitMetrics: false);
        var exit = Success;
        for (var round = 0; round < repeat; round++)
        {
            foreach (var file in files)
            {
                var payload = await File.ReadAllBytesAsync(file).ConfigureAwait(false);
                var context = new InvocationContext(
                    $"local-{round + 1}-{Path.GetFileName(file)}",
                    _time.GetUtcNow() + timeout,
                    "arn:aws:lambda:local:000000000000:function:LokiShipper");
                try
                {
                    await handler.HandleAsync(payload, context, CancellationToken.None, eventName: file).ConfigureAwait(false);
                }
                catch (InvocationFailedException)
                {
                    exit = InvocationFailed; // the summary line on stderr says why
                }
            }
        }

        return exit;
    }

    /// <summary>The environment's configuration, as the function reads it; null (and the reasons on stderr) when invalid.</summary>
    private async Task<ShipperOptions?> LoadOptionsAsync()
    {
        try
        {
            return await Composition.LoadOptionsAsync(_environment, _secretStore, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ConfigurationException ex)
        {
            await _stderr.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return null;
        }
    }

    private async Task<int> BenchAsync(IReadOnlyList<string> args)
    {
        string? file = null;
        int invocations = 50, warmup = 5;
        var nullSink = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--invocations": invocations = PositiveInt(args, ref i, "--invocations"); break;
                case "--warmup": warmup = PositiveInt(args, ref i, "--warmup"); break;
                case "--null": nullSink = true; break;
                case var flag when flag.StartsWith("--", StringComparison.Ordinal): throw new UsageException($"unknown option {flag}");
                case var path when file is null: file = path; break;
                default: throw new UsageException("bench takes one event file");
            }
        }

        if (file is null || !File.Exists(file))
        {
            throw new UsageException(file is null ? "bench needs an event file" : $"event file not found: {file}");
        }

        if (await LoadOptionsAsync().ConfigureAwait(false) is not { } options)
        {
            return UsageError;
        }

        nullSink |= options.IsDryRun;
        var output = new StreamWriter(_stdout, leaveOpen: true);
        await using (output.ConfigureAwait(false))
        {
            var bench = new BenchCommand(output);
            var result = await bench.RunAsync(file, options, invocations, warmup, nullSink, _time).ConfigureAwait(false);
            bench.Print(file, result, nullSink ? "null (in-process 204, no network)" : options.WriteAddress!.GetLeftPart(UriPartial.Authority));
            return result.Failed == 0 ? Success : InvocationFailed;
        }
    }

    private async Task<int> ColdStartAsync(IReadOnlyList<string> args)
    {
        var runs = 5;
        var eventFile = "events/cloudwatch-logs.json";
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var command = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--runs": runs = PositiveInt(args, ref i, "--runs"); break;
                case "--event": eventFile = Value(args, ref i, "--event"); break;
                case "--env":
                    var pair = Value(args, ref i, "--env").Split('=', 2);
                    environment[pair[0]] = pair.Length > 1 ? pair[1] : throw new UsageException("--env takes NAME=VALUE");
                    break;
                case "--":
                    command.AddRange(args.Skip(i + 1));
                    i = args.Count;
                    break;
                default: throw new UsageException($"unknown argument {args[i]} (the command to start goes after --)");
            }
        }

        if (command.Count == 0)
        {
            throw new UsageException("coldstart needs the command to start after --, e.g. -- dotnet src/LokiShipper/bin/Release/net10.0/LokiShipper.dll");
        }

        if (!File.Exists(eventFile))
        {
            throw new UsageException($"event file not found: {eventFile}");
        }

        ColdStartCommand.Result result;
        try
        {
            result = await new ColdStartCommand().RunAsync(command, await File.ReadAllBytesAsync(eventFile).ConfigureAwait(false), runs, environment, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            await _stderr.WriteLineAsync($"coldstart: {ex.Message}").ConfigureAwait(false);
            return InvocationFailed;
        }

        var output = new StreamWriter(_stdout, leaveOpen: true);
        await using (output.ConfigureAwait(false))
        {
            var c = CultureInfo.InvariantCulture;
            await output.WriteLineAsync(string.Create(c, $"coldstart {string.Join(' ', command)}: process start -> first invocation response, {runs} runs")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"  min {result.Min:F0} ms   median {result.Median:F0} ms   max {result.Max:F0} ms   ({string.Join(", ", result.Milliseconds.Select(m => m.ToString("F0", c)))})")).ConfigureAwait(false);
        }

        return Success;
    }

    /// <summary>The options <c>events cloudwatch</c> and <c>events kinesis</c> share.</summary>
    private sealed class EventOptions
    {
        public List<string> LogGroups { get; } = [];
        public string? LogStream { get; set; }
        public string? Owner { get; set; }
        public List<string> Messages { get; } = [];
        public int? Count { get; set; }
        public int? Records { get; set; }
        public string? StreamArn { get; set; }
        public bool ControlMessage { get; set; }
    }

    private int Events(string kind, IReadOnlyList<string> args)
    {
        var kinesis = kind == "kinesis";
        var options = new EventOptions();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--log-group": options.LogGroups.Add(Value(args, ref i, "--log-group")); break;
                case "--log-stream": options.LogStream = Value(args, ref i, "--log-stream"); break;
                case "--owner": options.Owner = Value(args, ref i, "--owner"); break;
                case "--message": options.Messages.Add(Value(args, ref i, "--message")); break;
                case "--message-file": options.Messages.AddRange(ReadMessages(Value(args, ref i, "--message-file"))); break;
                case "--count": options.Count = PositiveInt(args, ref i, "--count"); break;
                case "--records" when kinesis: options.Records = PositiveInt(args, ref i, "--records"); break;
                case "--stream-arn" when kinesis: options.StreamArn = Value(args, ref i, "--stream-arn"); break;
                case "--control-message" when kinesis: options.ControlMessage = true; break;
                default: throw new UsageException($"unknown argument {args[i]}");
            }
        }

        if (options.LogGroups.Count == 0 || (!kinesis && options.LogGroups.Count > 1))
        {
            throw new UsageException(kinesis ? "events kinesis needs at least one --log-group" : "events cloudwatch needs one --log-group");
        }

        var now = _time.GetUtcNow();
        if (options.Messages.Count == 0)
        {
            options.Messages.AddRange(SampleLambdaLines(now));
        }

        var owner = options.Owner ?? SubscriptionEventWriter.DefaultOwner;
        var json = kinesis
            ? KinesisEvent(options, now, owner)
            : SubscriptionEventWriter.LambdaEvent(options.LogGroups[0], options.LogStream ?? LogStreamName(now), Timestamped(options.Messages, options.Count ?? options.Messages.Count, now, 0), owner);
        _stdout.Write(json);
        _stdout.WriteByte((byte)'\n');
        _stdout.Flush();
        return Success;
    }

    private int S3Events(IReadOnlyList<string> args)
    {
        string? bucket = null, key = null, versionId = null;
        string region = "eu-west-1", via = "direct", owner = SubscriptionEventWriter.DefaultOwner;
        long size = 1024;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--bucket": bucket = Value(args, ref i, "--bucket"); break;
                case "--key": key = Value(args, ref i, "--key"); break;
                case "--region": region = Value(args, ref i, "--region"); break;
                case "--via": via = Value(args, ref i, "--via"); break;
                case "--size": size = PositiveInt(args, ref i, "--size"); break;
                case "--version-id": versionId = Value(args, ref i, "--version-id"); break;
                case "--owner": owner = Value(args, ref i, "--owner"); break;
                default: throw new UsageException($"unknown argument {args[i]}");
            }
        }

        if (string.IsNullOrEmpty(bucket) || string.IsNullOrEmpty(key))
        {
            throw new UsageException("events s3 needs --bucket and --key");
        }

        if (!S3EventWriter.Vias.Contains(via))
        {
            throw new UsageException($"--via takes {string.Join(", ", S3EventWriter.Vias)}, not '{via}'");
        }

        var json = S3EventWriter.Event(new S3SampleObject(bucket, key, region, size, versionId, owner, _time.GetUtcNow()), via);
        _stdout.Write(json);
        _stdout.WriteByte((byte)'\n');
        _stdout.Flush();
        return Success;
    }

    /// <summary>
    /// <c>--records</c> records (default: one per log group), taking the log groups in turn, each of <c>--count</c>
    /// events (default: one per message), gzip'd as CloudWatch Logs puts them on a stream.
    /// </summary>
    private static byte[] KinesisEvent(EventOptions options, DateTimeOffset now, string owner)
    {
        var records = options.Records ?? options.LogGroups.Count;
        var perRecord = options.Count ?? options.Messages.Count;
        var data = new List<byte[]>(records + 1);
        if (options.ControlMessage)
        {
            // What CloudWatch Logs writes to a stream when a subscription filter is created.
            data.Add(SubscriptionEventWriter.Gzip(SubscriptionEventWriter.RecordJson(string.Empty, string.Empty, [new SampleLogEvent(now.ToUnixTimeMilliseconds(), "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.")], "CloudwatchLogs", "CONTROL_MESSAGE")));
        }

        for (var r = 0; r < records; r++)
        {
            var events = Timestamped(options.Messages, perRecord, now, r * perRecord, records * perRecord);
            var json = SubscriptionEventWriter.RecordJson(options.LogGroups[r % options.LogGroups.Count], options.LogStream ?? LogStreamName(now, r), events, owner);
            data.Add(SubscriptionEventWriter.Gzip(json));
        }

        var streamArn = options.StreamArn ?? $"arn:aws:kinesis:eu-west-1:{owner}:stream/loki-shipper-logs";
        return SubscriptionEventWriter.KinesisEvent(data, streamArn, now);
    }

    /// <summary>Events <paramref name="first"/>.. of a run of <paramref name="total"/>, one ms apart, ending now, messages taken in turn.</summary>
    private static List<SampleLogEvent> Timestamped(List<string> messages, int count, DateTimeOffset now, int first, int? total = null)
    {
        var startMs = now.ToUnixTimeMilliseconds() - (total ?? count);
        return Enumerable.Range(first, count).Select(i => new SampleLogEvent(startMs + i, messages[i % messages.Count])).ToList();
    }

    private static string LogStreamName(DateTimeOffset now, int index = 0) =>
        string.Create(CultureInfo.InvariantCulture, $"{now:yyyy/MM/dd}/[$LATEST]{index:x4}{Guid.NewGuid():N}")[..52];

    /// <summary>Four lines as a Lambda function writes them, for events without --message.</summary>
    private static IEnumerable<string> SampleLambdaLines(DateTimeOffset now)
    {
        var requestId = Guid.NewGuid().ToString();
        yield return $"START RequestId: {requestId} Version: $LATEST";
        yield return string.Create(CultureInfo.InvariantCulture, $"{now:yyyy-MM-ddTHH:mm:ss.fffZ}\t{requestId}\tINFO\tprocessed order 1042");
        yield return $"END RequestId: {requestId}";
        yield return $"REPORT RequestId: {requestId}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 71 MB";
    }

    private static string[] ReadMessages(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"message file not found: {path}");
        }

        var lines = File.ReadAllLines(path);
        return lines.Length > 0 ? lines : throw new UsageException($"message file is empty: {path}");
    }

    private static string Value(IReadOnlyList<string> args, ref int i, string name)
    {
        if (i + 1 >= args.Count)
        {
            throw new UsageException($"{name} needs a value");
        }

        return args[++i];
    }

    private static int PositiveInt(IReadOnlyList<string> args, ref int i, string name)
    {
        var raw = Value(args, ref i, name);
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new UsageException($"{name} takes a whole number greater than 0, not '{raw}'");
    }

    private sealed class UsageException(string message) : Exception(message);
}
