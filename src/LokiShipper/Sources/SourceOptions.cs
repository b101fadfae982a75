namespace LokiShipper.Sources;

/// <summary>The sources' slice of the configuration.</summary>
/// <param name="MaxDecompressedBytes">Largest decompressed record accepted (<c>MAX_DECOMPRESSED_BYTES</c>): a gzip bomb stops there.</param>
/// <param name="OwnLogGroup">The function's own log group (<c>AWS_LAMBDA_LOG_GROUP_NAME</c>): its lines are never shipped, to avoid a loop.</param>
internal sealed record SourceOptions(long MaxDecompressedBytes, string? OwnLogGroup);
