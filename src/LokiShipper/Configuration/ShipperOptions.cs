namespace LokiShipper.Configuration;

/// <summary>Which label names a stream gets (see README, "Labels").</summary>
public enum LabelScheme
{
    /// <summary><c>service_name</c>, <c>aws_service</c>, <c>log_group</c>, <c>aws_account_id</c>, <c>aws_region</c>.</summary>
    Readable,

    /// <summary>The labels grafana/lambda-promtail sends: <c>__aws_log_type</c>, <c>__aws_cloudwatch_log_group</c>, ….</summary>
    LambdaPromtail,
}

/// <summary>The wire format of push requests.</summary>
public enum PushFormat
{
    /// <summary>Snappy block of a protobuf <c>logproto.PushRequest</c>.</summary>
    Protobuf,

    /// <summary>Loki's JSON push body.</summary>
    Json,
}

/// <summary>
/// Everything the function reads from its environment, parsed and validated once at cold start.
/// Immutable; build it with <see cref="ShipperOptionsParser"/>.
/// </summary>
public sealed record ShipperOptions
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
    public int PushConcurrency { get; init; } = DefaultPushConcurrency;
    public TimeSpan AttemptTimeout { get; init; } = DefaultAttemptTimeout;
    public bool SkipTlsVerify { get; init; }
    public LogLevel LogLevel { get; init; } = LogLevel.Info;

    /// <summary>The function's own AWS region (<c>AWS_REGION</c>), a label in the readable scheme.</summary>
    public string? AwsRegion { get; init; }

    /// <summary>The function's own log group (<c>AWS_LAMBDA_LOG_GROUP_NAME</c>); never shipped, to avoid a loop.</summary>
    public string? OwnLogGroup { get; init; }

    /// <summary>The function's name (<c>AWS_LAMBDA_FUNCTION_NAME</c>), the dimension of the EMF metrics.</summary>
    public string? FunctionName { get; init; }

    /// <summary>lambda-promtail variables that were set but have no effect here (reported once at cold start).</summary>
    public IReadOnlyList<string> IgnoredVariables { get; init; } = [];

    /// <summary><c>JSON_STRUCTURED_METADATA</c>, replaced by <c>STRUCTURED_METADATA</c>, was set (reported once at cold start).</summary>
    public bool DeprecatedVariableSet { get; init; }

    public bool IsDryRun => WriteAddress is null;
}

/// <summary>Log levels of the shipper's own output.</summary>
public enum LogLevel
{
    Debug,
    Info,
    Warn,
    Error,
}

/// <summary>How requests to Loki authenticate. <see cref="ToString"/> never shows a secret.</summary>
public sealed class LokiCredentials
{
    public static readonly LokiCredentials None = new(null, null, null);

    private LokiCredentials(string? username, string? password, string? bearerToken)
    {
        Username = username;
        Password = password;
        BearerToken = bearerToken;
    }

    public string? Username { get; }
    public string? Password { get; }
    public string? BearerToken { get; }

    public static LokiCredentials Basic(string username, string password) => new(username, password, null);

    public static LokiCredentials Bearer(string token) => new(null, null, token);

    /// <summary>The value of the <c>Authorization</c> header, or null.</summary>
    public System.Net.Http.Headers.AuthenticationHeaderValue? ToAuthorizationHeader()
    {
        if (BearerToken is not null)
        {
            return new("Bearer", BearerToken);
        }

        if (Username is not null)
        {
            var raw = System.Text.Encoding.UTF8.GetBytes($"{Username}:{Password}");
            return new("Basic", Convert.ToBase64String(raw));
        }

        return null;
    }

    public override string ToString() =>
        BearerToken is not null ? "bearer token (redacted)"
        : Username is not null ? "basic auth (redacted)"
        : "none";
}
