using LokiShipper.Diagnostics;
using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Loki.Encoders;
using LokiShipper.Onboarding;
using LokiShipper.Pipeline;
using LokiShipper.Processing;
using LokiShipper.Sources;
using LokiShipper.Sources.S3;
using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Configuration;

/// <summary>
/// Everything the function reads from its environment, parsed and validated once at cold start.
/// Immutable; build it with <see cref="ShipperOptionsParser"/>.
/// </summary>
internal sealed record ShipperOptions
{
    public const int DefaultBatchSize = 1_048_576;
    public const int DefaultMaxLineSize = 262_144;
    public const long DefaultMaxDecompressedBytes = 64L * 1024 * 1024;
    public const int DefaultPushConcurrency = 4;
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The Loki push URL, or null for a dry run (local invoke only).</summary>
    public Uri? WriteAddress { get; init; }

    public LokiCredentials Credentials { get; init; } = LokiCredentials.None;
    public string? TenantId { get; init; }
    public bool KeepStream { get; init; }
    public int BatchSize { get; init; } = DefaultBatchSize;
    public LabelScheme LabelScheme { get; init; } = LabelScheme.Readable;

    /// <summary>Extra labels, names already prefixed as the scheme demands, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraLabels { get; init; } = [];

    public IReadOnlyList<string> DropLabels { get; init; } = [];
    public PushFormat PushFormat { get; init; } = PushFormat.Protobuf;

    /// <summary>Gzip JSON bodies (<c>Content-Encoding: gzip</c>). Only with <see cref="PushFormat.Json"/>.</summary>
    public bool JsonGzip { get; init; } = true;

    /// <summary>Whether entries carry their structured metadata (<c>log_stream</c>), in either format.</summary>
    public StructuredMetadataMode StructuredMetadata { get; init; } = StructuredMetadataMode.Auto;

    /// <summary>Longest line in UTF-8 bytes before truncation; 0 leaves lines as they are.</summary>
    public int MaxLineSize { get; init; } = DefaultMaxLineSize;

    public long MaxDecompressedBytes { get; init; } = DefaultMaxDecompressedBytes;

    /// <summary>Log formats pinned by key prefix for S3 objects (<c>S3_FORMATS</c>), for keys detection does not recognise.</summary>
    public IReadOnlyList<(string Prefix, S3LogFormat Format)> S3Formats { get; init; } = [];

    /// <summary>The SQS queue that takes the rest of an S3 object too large for one invocation (<c>S3_CONTINUATION_QUEUE_URL</c>).</summary>
    public string? S3ContinuationQueueUrl { get; init; }
    public int PushConcurrency { get; init; } = DefaultPushConcurrency;

    /// <summary>Loki's default <c>per_stream_rate_limit</c> and its burst: 3 MB/s, 15 MB.</summary>
    public static readonly RateLimit DefaultStreamRateLimit = new(3_000_000, 15_000_000);

    /// <summary>Loki's default <c>ingestion_rate_mb</c> and <c>ingestion_burst_size_mb</c>: 4 MiB/s, 6 MiB.</summary>
    public static readonly RateLimit DefaultIngestionRateLimit = new(4 * 1024 * 1024, 6 * 1024 * 1024);

    /// <summary>The most pushed to one stream (<c>STREAM_RATE_LIMIT</c>), below Loki's per-stream limit.</summary>
    public RateLimit StreamRateLimit { get; init; } = DefaultStreamRateLimit;

    /// <summary>The most pushed in all (<c>INGESTION_RATE_LIMIT</c>), below the tenant's ingestion limit.</summary>
    public RateLimit IngestionRateLimit { get; init; } = DefaultIngestionRateLimit;
    public TimeSpan AttemptTimeout { get; init; } = DefaultAttemptTimeout;
    public bool SkipTlsVerify { get; init; }
    public LogLevel LogLevel { get; init; } = LogLevel.Info;

    /// <summary>The function's own AWS region (<c>AWS_REGION</c>), a label in the readable scheme.</summary>
    public string? AwsRegion { get; init; }

    /// <summary>The function's own log group (<c>AWS_LAMBDA_LOG_GROUP_NAME</c>); never shipped, to avoid a loop.</summary>
    public string? OwnLogGroup { get; init; }

    /// <summary>The function's name (<c>AWS_LAMBDA_FUNCTION_NAME</c>), the dimension of the EMF metrics.</summary>
    public string? FunctionName { get; init; }

    /// <summary>What is done to lines before they are batched: filter, Lambda metadata, FireLens unwrapping (<c>MAX_LINE_SIZE</c> included).</summary>
    public ProcessingOptions Processing { get; init; } = ProcessingOptions.Off;

    /// <summary>What <c>CreateLogGroup</c> events lead to: subscribing new groups, setting their retention (<c>SUBSCRIPTION_SCOPE</c>, ...).</summary>
    public OnboardingOptions Onboarding { get; init; } = OnboardingOptions.None;

    /// <summary>lambda-promtail variables that were set but have no effect here (reported once at cold start).</summary>
    public IReadOnlyList<string> IgnoredVariables { get; init; } = [];

    /// <summary><c>JSON_STRUCTURED_METADATA</c>, replaced by <c>STRUCTURED_METADATA</c>, was set (reported once at cold start).</summary>
    public bool DeprecatedVariableSet { get; init; }

    public bool IsDryRun => WriteAddress is null;

    /// <summary>What the sources need: the cap on decompressed records, and the log group never to ship.</summary>
    public SourceOptions SourcesSlice() => new(MaxDecompressedBytes, OwnLogGroup);

    /// <summary>
    /// What the S3 source needs. An object is read in chunks of what the pushes in flight carry at once
    /// (<c>BATCH_SIZE</c> × <c>PUSH_CONCURRENCY</c>, at most 64 MiB): the most of it held in memory.
    /// </summary>
    public S3Options S3Slice() => new(S3Formats, MaxLineSize, (int)Math.Min((long)BatchSize * PushConcurrency, 64L * 1024 * 1024), S3ContinuationQueueUrl);

    /// <summary>What the labeler needs.</summary>
    public LabelOptions LabelsSlice() => new(LabelScheme, KeepStream, AwsRegion, ExtraLabels, DropLabels);

    /// <summary>What the pipeline needs: batch size, line size and push concurrency.</summary>
    public PipelineOptions PipelineSlice() => new(BatchSize, MaxLineSize, PushConcurrency, StreamRateLimit, IngestionRateLimit);

    /// <summary>What the Loki sink needs; only for a real push (not a dry run). Methods, not properties: a slice is not a setting of its own.</summary>
    public LokiOptions LokiSlice() => new(
        WriteAddress ?? throw new InvalidOperationException("a dry run has no Loki to push to"),
        Credentials,
        TenantId,
        PushFormat,
        JsonGzip,
        StructuredMetadata,
        AttemptTimeout,
        SkipTlsVerify,
        PushConcurrency);
}
