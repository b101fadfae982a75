using System.Diagnostics;
using System.Text;
using LokiShipper.Batching;
using LokiShipper.Configuration;
using LokiShipper.Decode;
using LokiShipper.Labels;
using LokiShipper.Push;
using LokiShipper.Runtime;

namespace LokiShipper.Pipeline;

/// <summary>
/// One invocation, stage by stage: decode → map to entries and labels → batch by stream → push (encode inside the
/// sink, in parallel, bounded) → summary. Never throws for bad input or failed pushes: the summary says what went
/// wrong, and the handler turns a failed summary into a failed invocation.
/// </summary>
public sealed class ShipperPipeline
{
    public const string DroppedOwnLogGroup = "own_log_group";

    /// <summary>The retry budget ends this long before the Lambda deadline (at most a quarter of the time left).</summary>
    public static readonly TimeSpan DeadlineSafetyMargin = TimeSpan.FromSeconds(1);

    private readonly ShipperOptions _options;
    private readonly CloudWatchLogsDecoder _decoder;
    private readonly StreamLabeler _labeler;
    private readonly ILokiSink _sink;
    private readonly TimeProvider _time;

    public ShipperPipeline(ShipperOptions options, ILokiSink sink, TimeProvider time)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _decoder = new CloudWatchLogsDecoder(options.MaxDecompressedBytes);
        _labeler = new StreamLabeler(options);
    }

    /// <summary>When the retry budget of an invocation with this context ends.</summary>
    public DateTimeOffset GiveUpAt(InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var remaining = context.RemainingTime(_time);
        var margin = remaining / 4 < DeadlineSafetyMargin ? remaining / 4 : DeadlineSafetyMargin;
        return context.Deadline - (margin > TimeSpan.Zero ? margin : TimeSpan.Zero);
    }

    public async Task<InvocationSummary> RunAsync(ReadOnlyMemory<byte> eventJson, InvocationContext context, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var summary = new InvocationSummary();
        try
        {
            var giveUpAt = GiveUpAt(context);
            var record = _decoder.DecodeEvent(eventJson);
            summary.LogGroup = record.LogGroup.Length > 0 ? record.LogGroup : null;
            if (record.IsControlMessage)
            {
                return summary;
            }

            summary.EntriesIn = record.LogEvents.Count;
            if (_options.OwnLogGroup is not null && record.LogGroup == _options.OwnLogGroup)
            {
                // Shipping our own log group would feed our summaries back to ourselves forever.
                summary.Drop(DroppedOwnLogGroup, record.LogEvents.Count);
                return summary;
            }

            var batcher = new Batcher();
            summary.LinesTruncated = Map(record, "cloudwatch", batcher);
            var batches = batcher.Build(_options.BatchSize);
            summary.Batches = batches.Count;
            await PushAllAsync(batches, giveUpAt, summary, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidEventException ex)
        {
            summary.Error = ex.Message;
            summary.ErrorType = "InvalidEvent";
        }
        finally
        {
            summary.ElapsedMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        }

        return summary;
    }

    /// <summary>Map stage: one entry per log event; labels once per record. Returns how many lines were truncated.</summary>
    private int Map(SubscriptionRecord record, string logType, Batcher batcher)
    {
        var labels = _labeler.Labels(new LogSource(logType, record.LogGroup, record.LogStream, record.Owner));
        var metadata = _labeler.StreamIsLabel
            ? StructuredMetadata.Empty
            : new StructuredMetadata([new("log_stream", record.LogStream)]);
        var truncated = 0;
        foreach (var logEvent in record.LogEvents)
        {
            var line = logEvent.Message!;
            var lineBytes = Encoding.UTF8.GetByteCount(line);
            var kept = LineTruncation.Truncate(line, lineBytes, _options.MaxLineSize, out var wasTruncated);
            if (wasTruncated)
            {
                truncated++;
                lineBytes = Encoding.UTF8.GetByteCount(kept);
            }

            batcher.Add(labels, new LokiEntry(LokiEntry.MillisToNanos(logEvent.Timestamp!.Value), kept, lineBytes, metadata));
        }

        return truncated;
    }

    private async Task PushAllAsync(IReadOnlyList<PushBatch> batches, DateTimeOffset giveUpAt, InvocationSummary summary, CancellationToken cancellationToken)
    {
        var results = new PushResult?[batches.Count];
        var failures = new PushFailedException?[batches.Count];
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = _options.PushConcurrency, CancellationToken = cancellationToken },
            async (batch, ct) =>
            {
                try
                {
                    results[batch.Index] = await _sink.PushAsync(batch, giveUpAt, ct).ConfigureAwait(false);
                }
                catch (PushFailedException ex)
                {
                    failures[batch.Index] = ex;
                }
            }).ConfigureAwait(false);

        var errors = new List<string>();
        foreach (var batch in batches)
        {
            if (results[batch.Index] is { } result)
            {
                summary.EntriesPushed += result.Accepted;
                summary.Reject(result.RejectReason ?? "unknown", result.Rejected);
                summary.BytesSent += result.BytesSent;
                summary.Retries += result.Retries;
            }
            else if (failures[batch.Index] is { } failure)
            {
                summary.EntriesFailed += batch.EntryCount;
                summary.FailedBatches.Add(batch.Index);
                summary.BytesSent += failure.BytesSent;
                summary.Retries += failure.Retries;
                errors.Add(failure.Message);
            }
        }

        if (errors.Count > 0)
        {
            summary.ErrorType = "PushFailed";
            summary.Error = $"{errors.Count} of {batches.Count} batches could not be delivered ({summary.EntriesFailed} entries; Lambda will retry the event): {string.Join(" | ", errors)}";
        }
    }
}
