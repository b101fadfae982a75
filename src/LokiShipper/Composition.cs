using LokiShipper.Configuration;
using LokiShipper.Diagnostics;
using LokiShipper.Function;
using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Loki.Encoders;
using LokiShipper.Onboarding;
using LokiShipper.Onboarding.CloudWatchLogs;
using LokiShipper.Onboarding.CustomResources;
using LokiShipper.Pipeline;
using LokiShipper.Processing;
using LokiShipper.Sources;
using LokiShipper.Sources.CloudWatch;
using LokiShipper.Sources.Kinesis;
using LokiShipper.Sources.S3;
using LokiShipper.Sources.S3.Reading;
using LokiShipper.Sources.Sqs;

namespace LokiShipper;

/// <summary>
/// Wires the real objects together (no DI container). <c>Main</c>, the CLI and the tests all build the handler
/// here, each with its own HTTP handler, clock and output.
/// </summary>
internal static class Composition
{
    /// <summary>
    /// Reads the configuration once: credentials given as SSM parameter or Secrets Manager ARNs are fetched first
    /// (through <paramref name="secretStore"/>, only when one is present), then everything is parsed and validated.
    /// </summary>
    public static async Task<ShipperOptions> LoadOptionsAsync(Func<string, string?> environment, Func<ISecretStore> secretStore, CancellationToken cancellationToken)
    {
        var lookup = await SecretResolver.ResolveAsync(environment, secretStore, cancellationToken).ConfigureAwait(false);
        return ShipperOptionsParser.Parse(lookup);
    }

    /// <summary>Says once, at cold start, which lambda-promtail settings were set but are ignored, and which of ours are replaced.</summary>
    public static void ReportIgnoredSettings(ShipperOptions options, ShipperLog log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        if (options.IgnoredVariables.Count > 0)
        {
            log.Write(LogLevel.Warn, "lambda-promtail settings ignored: they do not apply to LokiShipper (see docs/migration.md)", w =>
            {
                w.WriteStartArray("variables");
                foreach (var name in options.IgnoredVariables)
                {
                    w.WriteStringValue(name);
                }

                w.WriteEndArray();
            });
        }

        if (options.DeprecatedVariableSet)
        {
            log.Write(LogLevel.Warn, $"{ShipperOptionsParser.JsonStructuredMetadata} is replaced by STRUCTURED_METADATA (auto, always or never); it is read as never for JSON pushes when false", w =>
                w.WriteString("structured_metadata", options.StructuredMetadata.ToString().ToLowerInvariant()));
        }
    }

    /// <summary>The encoder <c>LOKI_PUSH_FORMAT</c> asks for.</summary>
    public static IPushEncoder CreateEncoder(LokiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.PushFormat == PushFormat.Json
            ? new JsonPushEncoder(options.JsonGzip)
            : new ProtobufSnappyEncoder();
    }

    /// <summary>Every source the function reads, in the order the router asks them: a new source is one line here.</summary>
    /// <param name="options">What the CloudWatch and Kinesis sources need.</param>
    /// <param name="s3">What the S3 source needs.</param>
    /// <param name="s3Objects">Opens S3 objects; null = AWS (<c>AWS_ENDPOINT_URL_S3</c>, credentials and region from the environment), made on the first S3 event.</param>
    /// <param name="continuations">Takes the rest of S3 objects too large for one invocation; null = the SQS queue in <paramref name="s3"/>, if any.</param>
    public static EventRouter CreateRouter(SourceOptions options, S3Options? s3 = null, Func<IS3Objects>? s3Objects = null, Func<IContinuationQueue>? continuations = null)
    {
        s3 ??= new S3Options([], ShipperOptions.DefaultMaxLineSize, ShipperOptions.DefaultBatchSize * ShipperOptions.DefaultPushConcurrency);
        continuations ??= s3.ContinuationQueueUrl is { } queueUrl ? () => SqsContinuationQueue.FromEnvironment(queueUrl) : null;
        // The events that can also arrive as the body of an SQS message.
        // S3 first: it reads Lambda failure records of S3 events, which the CloudWatch source would refuse.
        ISource[] bodies =
        [
            new S3Source(new Lazy<IS3Objects>(s3Objects ?? (() => AwsS3Objects.FromEnvironment())), s3, continuations is null ? null : new Lazy<IContinuationQueue>(continuations)),
            new CloudWatchSource(options),
        ];
        return new EventRouter([.. bodies, new SqsSource(bodies), new KinesisSource(options)]);
    }

    /// <summary>The pipeline from the router to <paramref name="sink"/>.</summary>
    public static ShipperPipeline CreatePipeline(ShipperOptions options, ILokiSink sink, TimeProvider time, Func<IS3Objects>? s3Objects = null, Func<IContinuationQueue>? continuations = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pipeline = options.PipelineSlice();
        var mapper = new RecordMapper(new StreamLabeler(options.LabelsSlice()), pipeline.MaxLineSize, LineProcessor.Create(options.Processing));
        var pacer = new PushPacer(pipeline.StreamRate ?? RateLimit.Off, pipeline.IngestionRate ?? RateLimit.Off, time);
        return new ShipperPipeline(CreateRouter(options.SourcesSlice(), options.S3Slice(), s3Objects, continuations), mapper, sink, pipeline, time, pacer);
    }

    /// <param name="options">Parsed configuration.</param>
    /// <param name="log">Where log lines go (stdout on Lambda).</param>
    /// <param name="time">The clock for deadlines, retries and timings.</param>
    /// <param name="httpHandler">Handler for pushes to Loki; null = the production <see cref="SocketsHttpHandler"/>.</param>
    /// <param name="dryRunOutput">Where a dry run writes the requests it would send (used when WRITE_ADDRESS is unset).</param>
    /// <param name="emitMetrics">Write the EMF metrics line after each summary (on Lambda).</param>
    /// <param name="s3Objects">Opens S3 objects; null = AWS, from the environment.</param>
    /// <param name="continuations">Takes the rest of S3 objects too large for one invocation; null = <c>S3_CONTINUATION_QUEUE_URL</c>.</param>
    /// <param name="cloudWatchLogs">CloudWatch Logs for onboarding events; null = AWS, from the environment, made on the first such event.</param>
    public static ShipperFunction CreateFunction(
        ShipperOptions options,
        ShipperLog log,
        TimeProvider time,
        HttpMessageHandler? httpHandler = null,
        Stream? dryRunOutput = null,
        bool emitMetrics = true,
        Func<IS3Objects>? s3Objects = null,
        Func<IContinuationQueue>? continuations = null,
        Func<ICloudWatchLogs>? cloudWatchLogs = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ShipperFunction(
            CreatePipeline(options, CreateSink(options, log, time, httpHandler, dryRunOutput), time, s3Objects, continuations),
            log,
            time,
            options.FunctionName,
            emitMetrics,
            CreateOnboarding(options, time, cloudWatchLogs));
    }

    /// <summary>
    /// The handler of custom resource requests and <c>CreateLogGroup</c> events. Its clients are made when the first
    /// such event comes, so log-shipping invocations never pay for them.
    /// </summary>
    public static OnboardingHandler CreateOnboarding(ShipperOptions options, TimeProvider time, Func<ICloudWatchLogs>? cloudWatchLogs = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        cloudWatchLogs ??= () => CloudWatchLogsClient.FromEnvironment(new SocketsHttpHandler { UseCookies = false }, time);
        var logLocation = Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_STREAM_NAME") is { Length: > 0 } stream && options.OwnLogGroup is { } group
            ? $"{group} {stream}"
            : null;
        return new OnboardingHandler(options.Onboarding, cloudWatchLogs, () => new CustomResourceResponder(new SocketsHttpHandler { UseCookies = false }, time), time, logLocation);
    }

    /// <summary>The Loki sink, or the dry run's when <c>WRITE_ADDRESS</c> is unset.</summary>
    private static ILokiSink CreateSink(ShipperOptions options, ShipperLog log, TimeProvider time, HttpMessageHandler? httpHandler, Stream? dryRunOutput)
    {
        if (options.IsDryRun)
        {
            return new DryRunSink(dryRunOutput ?? throw new ArgumentException("a dry run needs an output stream", nameof(dryRunOutput)), options.StructuredMetadata != StructuredMetadataMode.Never);
        }

        var loki = options.LokiSlice();
        return new LokiHttpSink(loki, httpHandler ?? LokiHttpSink.CreateHandler(loki), CreateEncoder(loki), time, log);
    }

    /// <summary>How an exception is reported to Lambda: a short type and a message without stack trace.</summary>
    public static (string Type, string Message) DescribeError(Exception exception) => exception switch
    {
        InvocationFailedException failed => (failed.ErrorType, failed.Message),
        ConfigurationException config => ("Configuration", config.Message),
        _ => (exception.GetType().Name, exception.Message),
    };
}
