using System.Globalization;
using LokiShipper.Diagnostics;
using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Loki.Encoders;
using LokiShipper.Onboarding;
using LokiShipper.Processing;
using LokiShipper.Processing.Multiline;
using LokiShipper.Processing.Redaction;
using LokiShipper.Pipeline;
using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Configuration;

/// <summary>
/// Turns environment variables into <see cref="ShipperOptions"/>. All problems are collected and reported together,
/// each naming its variable and the accepted form; secret values are never echoed.
/// </summary>
internal static class ShipperOptionsParser
{
    public const string PushPath = "/loki/api/v1/push";

    /// <summary>
    /// lambda-promtail settings that do not change what reaches Loki. They are accepted, so a migrated configuration
    /// starts, and reported at cold start as ignored.
    /// </summary>
    public static readonly IReadOnlyList<string> IgnoredLambdaPromtailVariables = ["PRINT_LOG_LINE", "PIPELINE_TIMEOUT"];

    /// <summary>
    /// Earlier names of ours, still read: <c>JSON_STRUCTURED_METADATA=false</c> kept metadata out of JSON bodies, which
    /// <c>STRUCTURED_METADATA=never</c> now says. Reported at cold start when set.
    /// </summary>
    public const string JsonStructuredMetadata = "JSON_STRUCTURED_METADATA";

    /// <summary>lambda-promtail's Prometheus relabel rules: they change labels, so ignoring them would store different streams.</summary>
    public const string RelabelConfigs = "RELABEL_CONFIGS";

    /// <summary>Parses the variables that <paramref name="lookup"/> returns (null or empty = unset).</summary>
    public static ShipperOptions Parse(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var problems = new List<string>();
        string? Get(string name)
        {
            var value = lookup(name);
            return string.IsNullOrEmpty(value) ? null : value;
        }

        var (writeAddress, urlUser, urlPassword) = ParseWriteAddress(Get("WRITE_ADDRESS"), problems);
        var credentials = ParseCredentials(Get("USERNAME") ?? urlUser, Get("PASSWORD") ?? urlPassword, Get("BEARER_TOKEN"), problems);

        var tenant = Get("TENANT_ID");
        if (tenant is not null && tenant.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            problems.Add("TENANT_ID must be a single line (it is sent as the X-Scope-OrgID header)");
        }

        var scheme = Get("LABEL_SCHEME")?.ToLowerInvariant() switch
        {
            null or "readable" => LabelScheme.Readable,
            "lambda-promtail" => LabelScheme.LambdaPromtail,
            _ => Problem(problems, "LABEL_SCHEME must be 'readable' or 'lambda-promtail'", LabelScheme.Readable),
        };

        var omitPrefix = ParseBool(Get("OMIT_EXTRA_LABELS_PREFIX"), "OMIT_EXTRA_LABELS_PREFIX", false, problems);
        var extraPrefix = scheme == LabelScheme.LambdaPromtail && !omitPrefix ? "__extra_" : string.Empty;

        var format = Get("LOKI_PUSH_FORMAT")?.ToLowerInvariant() switch
        {
            null or "protobuf" => PushFormat.Protobuf,
            "json" => PushFormat.Json,
            _ => Problem(problems, "LOKI_PUSH_FORMAT must be 'protobuf' or 'json'", PushFormat.Protobuf),
        };

        var metadata = Get("STRUCTURED_METADATA")?.ToLowerInvariant() switch
        {
            null => null,
            "auto" => StructuredMetadataMode.Auto,
            "always" => StructuredMetadataMode.Always,
            "never" => StructuredMetadataMode.Never,
            _ => Problem<StructuredMetadataMode?>(problems, "STRUCTURED_METADATA must be 'auto', 'always' or 'never'", null),
        };

        var jsonMetadata = ParseBool(Get(JsonStructuredMetadata), JsonStructuredMetadata, true, problems);
        metadata ??= format == PushFormat.Json && !jsonMetadata ? StructuredMetadataMode.Never : StructuredMetadataMode.Auto;

        var maxLineSize = ParseInt(Get("MAX_LINE_SIZE"), "MAX_LINE_SIZE", ShipperOptions.DefaultMaxLineSize, 0, int.MaxValue, problems);
        if (maxLineSize is > 0 and < LineTruncation.MinimumMaxLineSize)
        {
            problems.Add($"MAX_LINE_SIZE must be 0 (no limit) or at least {LineTruncation.MinimumMaxLineSize} bytes");
        }

        IReadOnlyList<(string Prefix, S3LogFormat Format)> s3Formats = [];
        try
        {
            s3Formats = S3FormatPins.Parse(Get(S3FormatPins.Variable));
        }
        catch (FormatException ex)
        {
            problems.Add(ex.Message);
        }

        // Lambda metadata and FireLens unwrapping change what a stream holds: on by default in the readable scheme only,
        // so the lambda-promtail scheme stores exactly what lambda-promtail stores unless asked.
        var readableDefault = scheme == LabelScheme.Readable;
        var processing = new ProcessingOptions(
            Get("INCLUDE_PATTERN") is { } include ? SafeRegex.Compile(include, "INCLUDE_PATTERN", problems) : null,
            Get("EXCLUDE_PATTERN") is { } exclude ? SafeRegex.Compile(exclude, "EXCLUDE_PATTERN", problems) : null,
            ParseBool(Get("LAMBDA_METADATA"), "LAMBDA_METADATA", readableDefault, problems),
            Get("LAMBDA_PLATFORM_LINES")?.ToLowerInvariant() switch
            {
                null or "keep" => false,
                "drop" => true,
                _ => Problem(problems, "LAMBDA_PLATFORM_LINES must be 'keep' or 'drop'", false),
            },
            ParseBool(Get("FIRELENS_UNWRAP"), "FIRELENS_UNWRAP", readableDefault, problems),
            maxLineSize,
            MultilineOptionsParser.Parse(Get("MULTILINE"), Get("MULTILINE_MAX_LINES"), maxLineSize, problems),
            RedactionOptionsParser.Parse(Get("REDACT"), Get("REDACT_PATTERNS"), Get("MASK_JSON_KEYS"), problems));

        var options = new ShipperOptions
        {
            WriteAddress = writeAddress,
            Credentials = credentials,
            TenantId = tenant,
            KeepStream = ParseBool(Get("KEEP_STREAM"), "KEEP_STREAM", false, problems),
            BatchSize = ParseInt(Get("BATCH_SIZE"), "BATCH_SIZE", ShipperOptions.DefaultBatchSize, 1, 100 * 1024 * 1024, problems),
            LabelScheme = scheme,
            ExtraLabels = ParseExtraLabels(Get("EXTRA_LABELS"), extraPrefix, problems),
            DropLabels = ParseDropLabels(Get("DROP_LABELS"), problems),
            PushFormat = format,
            JsonGzip = ParseBool(Get("JSON_GZIP"), "JSON_GZIP", true, problems),
            StructuredMetadata = metadata.Value,
            MaxLineSize = maxLineSize,
            S3Formats = s3Formats,
            StreamRateLimit = ParseRateLimit(Get("STREAM_RATE_LIMIT"), "STREAM_RATE_LIMIT", ShipperOptions.DefaultStreamRateLimit, problems),
            IngestionRateLimit = ParseRateLimit(Get("INGESTION_RATE_LIMIT"), "INGESTION_RATE_LIMIT", ShipperOptions.DefaultIngestionRateLimit, problems),
            S3ContinuationQueueUrl = ParseQueueUrl(Get("S3_CONTINUATION_QUEUE_URL"), "S3_CONTINUATION_QUEUE_URL", problems),
            MaxDecompressedBytes = ParseLong(Get("MAX_DECOMPRESSED_BYTES"), "MAX_DECOMPRESSED_BYTES", ShipperOptions.DefaultMaxDecompressedBytes, 1024, 1L << 32, problems),
            PushConcurrency = ParseInt(Get("PUSH_CONCURRENCY"), "PUSH_CONCURRENCY", ShipperOptions.DefaultPushConcurrency, 1, 64, problems),
            AttemptTimeout = TimeSpan.FromSeconds(ParseInt(Get("PUSH_TIMEOUT_SECONDS"), "PUSH_TIMEOUT_SECONDS", (int)ShipperOptions.DefaultAttemptTimeout.TotalSeconds, 1, 900, problems)),
            SkipTlsVerify = ParseBool(Get("SKIP_TLS_VERIFY"), "SKIP_TLS_VERIFY", false, problems),
            LogLevel = Get("LOG_LEVEL")?.ToLowerInvariant() switch
            {
                null or "info" => LogLevel.Info,
                "debug" => LogLevel.Debug,
                "warn" or "warning" => LogLevel.Warn,
                "error" => LogLevel.Error,
                _ => Problem(problems, "LOG_LEVEL must be one of debug, info, warn, error", LogLevel.Info),
            },
            AwsRegion = Get("AWS_REGION"),
            OwnLogGroup = Get("AWS_LAMBDA_LOG_GROUP_NAME"),
            FunctionName = Get("AWS_LAMBDA_FUNCTION_NAME"),
            Onboarding = OnboardingOptionsParser.Parse(Get, OnboardingSettingNames.Environment, problems),
            Processing = processing,
        };

        if (Get(RelabelConfigs) is not null)
        {
            problems.Add($"{RelabelConfigs} (lambda-promtail's relabel rules) is not supported: express the labels with LABEL_SCHEME, EXTRA_LABELS and DROP_LABELS, then unset it");
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationException(problems);
        }

        return options with
        {
            IgnoredVariables = IgnoredLambdaPromtailVariables.Where(name => Get(name) is not null).ToList(),
            DeprecatedVariableSet = Get(JsonStructuredMetadata) is not null,
        };
    }

    /// <summary>
    /// A rate and its burst as Loki writes sizes: <c>3MB,15MB</c> (SI units, as <c>per_stream_rate_limit</c>; KiB, MiB
    /// and GiB are binary, plain numbers are bytes), or <c>0</c> for no limit.
    /// </summary>
    private static RateLimit ParseRateLimit(string? raw, string name, RateLimit fallback, List<string> problems)
    {
        if (raw is null)
        {
            return fallback;
        }

        if (raw.Trim() == "0")
        {
            return RateLimit.Off;
        }

        var parts = raw.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && ParseSize(parts[0]) is > 0 and var rate && ParseSize(parts[1]) is { } burst && burst >= rate)
        {
            return new RateLimit(rate, burst);
        }

        problems.Add($"{name} must be a rate per second and a burst of at least that rate, e.g. 3MB,15MB (B, KB, MB, GB, KiB, MiB, GiB), or 0 for no limit");
        return fallback;
    }

    private static long? ParseSize(string text)
    {
        var digits = text.TakeWhile(char.IsAsciiDigit).Count();
        if (digits == 0 || !long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        long? unit = text[digits..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "KB" => 1_000,
            "MB" => 1_000_000,
            "GB" => 1_000_000_000,
            "KIB" => 1L << 10,
            "MIB" => 1L << 20,
            "GIB" => 1L << 30,
            _ => null,
        };
        return unit is { } factor && number <= long.MaxValue / factor ? number * factor : null;
    }

    /// <summary>An SQS queue URL (https://sqs.region.amazonaws.com/account/name, or an emulator's http URL), or null when unset.</summary>
    private static string? ParseQueueUrl(string? raw, string name, List<string> problems)
    {
        if (raw is null)
        {
            return null;
        }

        if (Uri.TryCreate(raw, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" && url.AbsolutePath.Trim('/').Length > 0)
        {
            return raw;
        }

        problems.Add($"{name} must be an SQS queue URL, e.g. https://sqs.eu-west-1.amazonaws.com/123456789012/lokishipper-continuations");
        return null;
    }

    private static (Uri? Address, string? User, string? Password) ParseWriteAddress(string? raw, List<string> problems)
    {
        if (raw is null)
        {
            return (null, null, null);
        }

        // The value is not echoed: users sometimes put credentials into it.
        if (!Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add("WRITE_ADDRESS must be an absolute http:// or https:// URL, e.g. https://loki.example.com or https://loki.example.com/loki/api/v1/push");
            return (null, null, null);
        }

        string? user = null, password = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            // Credentials in the URL become basic auth, so they never reach a log line that prints the address.
            var parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null;
        }

        var builder = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty };
        if (builder.Path is "" or "/")
        {
            builder.Path = PushPath;
        }

        return (builder.Uri, user, password);
    }

    private static LokiCredentials ParseCredentials(string? user, string? password, string? bearer, List<string> problems)
    {
        if ((user is null) != (password is null))
        {
            problems.Add("USERNAME and PASSWORD must be set together (basic auth) or not at all");
            return LokiCredentials.None;
        }

        if (user is not null && bearer is not null)
        {
            problems.Add("BEARER_TOKEN cannot be combined with USERNAME/PASSWORD; set one kind of authentication");
            return LokiCredentials.None;
        }

        if (bearer is not null)
        {
            return LokiCredentials.Bearer(bearer);
        }

        return user is not null ? LokiCredentials.Basic(user, password!) : LokiCredentials.None;
    }

    private static List<KeyValuePair<string, string>> ParseExtraLabels(string? raw, string prefix, List<string> problems)
    {
        var labels = new List<KeyValuePair<string, string>>();
        if (raw is null)
        {
            return labels;
        }

        var parts = raw.Split(',');
        if (parts.Length % 2 != 0)
        {
            problems.Add("EXTRA_LABELS must be a comma-separated list of name,value pairs (an even number of items), e.g. 'env,prod,team,payments'");
            return labels;
        }

        for (var i = 0; i < parts.Length; i += 2)
        {
            var name = prefix + parts[i].Trim();
            if (!LabelNames.IsValid(name))
            {
                problems.Add($"EXTRA_LABELS has an invalid label name '{parts[i].Trim()}': names must match [a-zA-Z_][a-zA-Z0-9_]*");
                continue;
            }

            labels.Add(new(name, parts[i + 1]));
        }

        return labels;
    }

    private static List<string> ParseDropLabels(string? raw, List<string> problems)
    {
        var names = new List<string>();
        if (raw is null)
        {
            return names;
        }

        foreach (var part in raw.Split(','))
        {
            var name = part.Trim();
            if (!LabelNames.IsValid(name))
            {
                problems.Add($"DROP_LABELS has an invalid label name '{name}': names must match [a-zA-Z_][a-zA-Z0-9_]*");
                continue;
            }

            names.Add(name);
        }

        return names;
    }

    private static bool ParseBool(string? raw, string name, bool fallback, List<string> problems)
    {
        if (raw is null)
        {
            return fallback;
        }

        if (bool.TryParse(raw.Trim(), out var value))
        {
            return value;
        }

        problems.Add($"{name} must be 'true' or 'false'");
        return fallback;
    }

    private static int ParseInt(string? raw, string name, int fallback, int min, int max, List<string> problems)
    {
        var value = ParseLong(raw, name, fallback, min, max, problems);
        return (int)value;
    }

    private static long ParseLong(string? raw, string name, long fallback, long min, long max, List<string> problems)
    {
        if (raw is null)
        {
            return fallback;
        }

        if (long.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add($"{name} must be a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return fallback;
    }

    private static T Problem<T>(List<string> problems, string message, T fallback)
    {
        problems.Add(message);
        return fallback;
    }
}
