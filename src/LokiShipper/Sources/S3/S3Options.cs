using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Sources.S3;

/// <summary>The S3 source's slice of the configuration.</summary>
/// <param name="Pins">Formats pinned by key prefix (<c>S3_FORMATS</c>), for keys detection does not recognise.</param>
/// <param name="MaxLineSize">Longest line in UTF-8 bytes (<c>MAX_LINE_SIZE</c>; 0 = no limit but a hard cap): longer ones are cut while read.</param>
/// <param name="ChunkBytes">Bytes of lines read before they are pushed: the most an object holds in memory at once.</param>
/// <param name="ContinuationQueueUrl">The SQS queue the rest of an object too large for one invocation goes to (<c>S3_CONTINUATION_QUEUE_URL</c>), or null.</param>
internal sealed record S3Options(IReadOnlyList<(string Prefix, S3LogFormat Format)> Pins, int MaxLineSize, int ChunkBytes, string? ContinuationQueueUrl = null);
