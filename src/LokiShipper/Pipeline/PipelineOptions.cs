namespace LokiShipper.Pipeline;

/// <summary>The pipeline's slice of the configuration.</summary>
/// <param name="BatchSize">Largest push request, in UTF-8 bytes of labels, lines and metadata (<c>BATCH_SIZE</c>).</param>
/// <param name="MaxLineSize">Longest line in UTF-8 bytes before truncation; 0 leaves lines as they are (<c>MAX_LINE_SIZE</c>).</param>
/// <param name="PushConcurrency">Push requests in flight at once (<c>PUSH_CONCURRENCY</c>).</param>
/// <param name="StreamRate">Bytes per second (and burst) pushed to one stream at most (<c>STREAM_RATE_LIMIT</c>).</param>
/// <param name="IngestionRate">Bytes per second (and burst) pushed in all at most (<c>INGESTION_RATE_LIMIT</c>).</param>
internal sealed record PipelineOptions(int BatchSize, int MaxLineSize, int PushConcurrency, RateLimit? StreamRate = null, RateLimit? IngestionRate = null);
