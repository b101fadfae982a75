using System.Collections.Concurrent;
using System.Text;
using LokiShipper.Batching;
using LokiShipper.Configuration;
using LokiShipper.Decode;
using LokiShipper.Labels;
using LokiShipper.Push;
using LokiShipper.Push.Rejections;
using LokiShipper.Runtime;

namespace LokiShipper.Pipeline;

/// <summary>
/// One invocation, stage by stage: decode → map to entries and labels → batch by stream → push (encode inside the
/// sink; at most PUSH_CONCURRENCY requests in flight) → summary. Never throws for bad input or failed pushes: the summary says what went
/// wrong, and the handler turns it into a failed invocation (or, for SQS, into batch item failures).
/// </summary>
public sealed class ShipperPipeline
{
    public const string DroppedOwnLogGroup = "own_log_group";

    /// <summary>The retry budget ends this long before the Lambda deadline (at most a quarter of the time left).</summary>
    public static readonly TimeSpan DeadlineSafetyMargin = TimeSpan.FromSeconds(1);

    private readonly ShipperOptions _options;
    private readonly CloudWatchLogsDecoder _decoder;
    private readonly RecordMapper _mapper;
    private readonly ILokiSink _sink;
    private readonly TimeProvider _time;

    public ShipperPipeline(ShipperOptions options, ILokiSink sink, TimeProvider time)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _decoder = new CloudWatchLogsDecoder(options.MaxDecompressedBytes);
        _mapper = new RecordMapper(options);
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
            using var incoming = _decoder.Read(eventJson); // holds the lines until they are pushed
            switch (incoming)
            {
                case SubscriptionEvent subscription:
                    summary.LogGroup = subscription.Record.LogGroup.Length > 0 ? subscription.Record.LogGroup : null;
                    if (await ShipAsync(subscription.Record, giveUpAt, summary, cancellationToken).ConfigureAwait(false) is { } error)
                    {
                        summary.ErrorType = "PushFailed";
                        summary.Error = error;
                    }

                    break;
                case QueueEvent queue:
                    summary.Source = "sqs";
                    await ShipQueueAsync(queue, giveUpAt, summary, cancellationToken).ConfigureAwait(false);
                    break;
                case KinesisEvent kinesis:
                    summary.Source = "kinesis";
                    await ShipKinesisAsync(kinesis, giveUpAt, summary, cancellationToken).ConfigureAwait(false);
                    break;
            }
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

    /// <summary>SQS redrive: each message is shipped on its own; the ones that fail go back to the queue.</summary>
    private async Task ShipQueueAsync(QueueEvent queue, DateTimeOffset giveUpAt, InvocationSummary summary, CancellationToken cancellationToken)
    {
        summary.BatchItemFailures = [];
        var errors = new List<string>();
        foreach (var item in queue.Items)
        {
            var error = item.Error;
            if (item.Record is { } record)
            {
                error = await ShipAsync(record, giveUpAt, summary, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                summary.InvalidItems++;
            }

            if (error is not null)
            {
                summary.BatchItemFailures.Add(item.MessageId);
                errors.Add($"message {item.MessageId}: {error}");
            }
        }

        if (errors.Count > 0)
        {
            summary.ErrorType = "BatchItemFailures";
            summary.Error = $"{errors.Count} of {queue.Items.Count} messages failed and return to the queue: {string.Join(" | ", errors)}";
        }
    }

    /// <summary>
    /// Counts a record's entries in, and says whether to ship them: not a control message's, and not those of our own
    /// log group (dropped and counted: shipping them would feed our summaries back to ourselves forever).
    /// </summary>
    private bool Admit(SubscriptionRecord record, InvocationSummary summary)
    {
        if (record.IsControlMessage)
        {
            return false;
        }

        summary.EntriesIn += record.LogEvents.Count;
        if (_options.OwnLogGroup is not null && record.LogGroup == _options.OwnLogGroup)
        {
            summary.Drop(DroppedOwnLogGroup, record.LogEvents.Count);
            return false;
        }

        return true;
    }

    /// <summary>Ships one subscription record; returns why it failed, or null.</summary>
    private async Task<string?> ShipAsync(SubscriptionRecord record, DateTimeOffset giveUpAt, InvocationSummary summary, CancellationToken cancellationToken)
    {
        if (!Admit(record, summary))
        {
            return null;
        }

        using var batcher = new Batcher();
        summary.LinesTruncated += _mapper.Map(record, new LogSource("cloudwatch", record.LogGroup, record.LogStream, record.Owner), origin: 0, batcher);
        return (await PushAllAsync(batcher, giveUpAt, summary, "; Lambda will retry the event", cancellationToken).ConfigureAwait(false))?.Message;
    }

    /// <summary>
    /// Kinesis: the entries of all records share push requests. When a push fails, the answer names the first record
    /// (in shard order) with an entry not delivered, and Lambda retries the shard from there: the stream holds the
    /// records while Loki is down. A record that cannot be decoded is not retried, because retrying cannot fix it and
    /// would block the shard: it is skipped, named in the summary (shard and sequence number, to read it from the
    /// stream) and counted in <c>invalid_records</c>.
    /// </summary>
    private async Task ShipKinesisAsync(KinesisEvent kinesis, DateTimeOffset giveUpAt, InvocationSummary summary, CancellationToken cancellationToken)
    {
        summary.BatchItemFailures = [];
        using var batcher = new Batcher();
        var invalid = new List<string>();
        for (var index = 0; index < kinesis.Items.Count; index++)
        {
            var item = kinesis.Items[index];
            if (item.Record is not { } record)
            {
                summary.InvalidItems++;
                invalid.Add(item.Error!);
                continue;
            }

            if (!Admit(record, summary))
            {
                continue;
            }

            var source = new LogSource("kinesis", record.LogGroup, record.LogStream, record.Owner, item.EventSourceArn);
            summary.LinesTruncated += _mapper.Map(record, source, origin: index, batcher);
        }

        var errors = new List<string>();
        if (invalid.Count > 0)
        {
            summary.ErrorType = "InvalidRecords";
            errors.Add($"{invalid.Count} of {kinesis.Items.Count} records cannot be decoded and are skipped (they stay in the stream for its retention period): {string.Join(" | ", invalid)}");
        }

        if (await PushAllAsync(batcher, giveUpAt, summary, retryNote: string.Empty, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            var first = kinesis.Items[failure.FirstOrigin];
            summary.BatchItemFailures.Add(first.SequenceNumber);
            summary.ErrorType = "BatchItemFailures";
            errors.Insert(0, $"Lambda retries the shard from record {failure.FirstOrigin} (sequenceNumber {first.SequenceNumber}) of {kinesis.Items.Count}: {failure.Message}");
        }

        summary.Error = errors.Count > 0 ? string.Join(" || ", errors) : null;
    }

    /// <summary>Why some batches failed, and the first record (<see cref="LokiEntry.Origin"/>) with an entry among them.</summary>
    private sealed record PushFailure(string Message, int FirstOrigin);

    /// <summary>Batches the entries and pushes them, <c>PUSH_CONCURRENCY</c> at a time; returns what failed, or null.</summary>
    /// <param name="retryNote">Appended to the failed-entry count in the message: what Lambda does next.</param>
    private async Task<PushFailure?> PushAllAsync(Batcher batcher, DateTimeOffset giveUpAt, InvocationSummary summary, string retryNote, CancellationToken cancellationToken)
    {
        var batches = batcher.Build(_options.BatchSize);
        summary.Batches += batches.Count;
        var pushStarted = _time.GetTimestamp();
        try
        {
            return await PushBatchesAsync(batches, giveUpAt, summary, retryNote, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            summary.PushMs += (long)_time.GetElapsedTime(pushStarted).TotalMilliseconds;
        }
    }

    private async Task<PushFailure?> PushBatchesAsync(IReadOnlyList<PushBatch> batches, DateTimeOffset giveUpAt, InvocationSummary summary, string retryNote, CancellationToken cancellationToken)
    {
        var outcomes = new ConcurrentBag<(PushBatch Batch, PushResult? Result, PushFailedException? Failure)>();
        // At most PUSH_CONCURRENCY pushes in flight. Each starts on this thread and runs until it waits for the
        // network, so encoding (CPU) stays sequential and the waits overlap. Parallel.ForEachAsync put every push on a
        // thread-pool worker: on 2 cores the two encodes of a 1.4 MB event competed, and the pipeline took 3.65 ms
        // instead of 2.97 ms pushing one at a time (StageBenchmarks, null sink).
        using var slots = new SemaphoreSlim(_options.PushConcurrency);
        var inOrder = StreamsToPushInOrder(batches);
        var lastOfStream = new Dictionary<LabelSet, Task>();
        var pushes = new List<Task>(batches.Count);
        foreach (var batch in batches)
        {
            var after = batch.Streams.Where(s => inOrder.Contains(s.Labels) && lastOfStream.ContainsKey(s.Labels)).Select(s => lastOfStream[s.Labels]).ToArray();
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            var push = PushReleasingAsync(batch, after, giveUpAt, outcomes, slots, cancellationToken);
            pushes.Add(push);
            foreach (var stream in batch.Streams.Where(s => inOrder.Contains(s.Labels)))
            {
                lastOfStream[stream.Labels] = push;
            }
        }

        await Task.WhenAll(pushes).ConfigureAwait(false);

        var errors = new List<string>();
        var failedEntries = 0;
        var firstOrigin = int.MaxValue;
        var failedBatches = new HashSet<int>(); // both halves of a split batch may fail: count the batch once
        foreach (var (batch, result, failure) in outcomes.OrderBy(o => o.Batch.Index))
        {
            if (result is not null)
            {
                summary.EntriesPushed += result.Accepted;
                foreach (var (reason, count) in result.Rejected)
                {
                    summary.Reject(reason, count);
                }

                summary.MetadataDropped += result.MetadataDropped;
                summary.VerificationPushes += result.VerificationPushes;
                summary.BytesSent += result.BytesSent;
                summary.Retries += result.Retries;
                continue;
            }

            summary.BytesSent += failure!.BytesSent;
            summary.Retries += failure.Retries;
            if (failure.TooLarge && batch.EntryCount > 1)
            {
                summary.Splits++; // its halves are accounted for separately
                continue;
            }

            summary.EntriesFailed += batch.EntryCount;
            failedEntries += batch.EntryCount;
            firstOrigin = Math.Min(firstOrigin, batch.Streams.Min(stream => stream.Entries.Min(entry => entry.Origin)));
            if (failedBatches.Add(batch.Index))
            {
                summary.FailedBatches.Add(batch.Index);
            }

            errors.Add(failure.Message);
        }

        return errors.Count == 0
            ? null
            : new PushFailure($"{failedBatches.Count} of {batches.Count} batches could not be delivered ({failedEntries} entries{retryNote}): {string.Join(" | ", errors)}", firstOrigin);
    }

    /// <summary>
    /// Streams whose entries, over all batches, span more than Loki's out-of-order horizon: their batches go one after
    /// the other, oldest first. Pushed side by side, a newer batch stored first would make Loki refuse the older one's
    /// entries as too far behind.
    /// </summary>
    private static HashSet<LabelSet> StreamsToPushInOrder(IReadOnlyList<PushBatch> batches)
    {
        var spans = new Dictionary<LabelSet, (long Oldest, long Newest)>();
        foreach (var stream in batches.SelectMany(b => b.Streams))
        {
            // A stream's entries are sorted by time, in each batch and from one batch to the next.
            var (oldest, newest) = (stream.Entries[0].TimestampNs, stream.Entries[^1].TimestampNs);
            spans[stream.Labels] = spans.TryGetValue(stream.Labels, out var span) ? (Math.Min(span.Oldest, oldest), Math.Max(span.Newest, newest)) : (oldest, newest);
        }

        return spans.Where(s => s.Value.Newest - s.Value.Oldest > RejectionAnalyzer.OutOfOrderHorizonNs).Select(s => s.Key).ToHashSet();
    }

    private async Task PushReleasingAsync(PushBatch batch, Task[] after, DateTimeOffset giveUpAt, ConcurrentBag<(PushBatch, PushResult?, PushFailedException?)> outcomes, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(after).ConfigureAwait(false);
            await PushSplittingAsync(batch, giveUpAt, outcomes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Pushes a batch; when Loki refuses it as too large, pushes its two halves instead (recursively).</summary>
    private async Task PushSplittingAsync(PushBatch batch, DateTimeOffset giveUpAt, ConcurrentBag<(PushBatch, PushResult?, PushFailedException?)> outcomes, CancellationToken cancellationToken)
    {
        try
        {
            outcomes.Add((batch, await _sink.PushAsync(batch, giveUpAt, cancellationToken).ConfigureAwait(false), null));
        }
        catch (PushFailedException ex)
        {
            outcomes.Add((batch, null, ex));
            if (ex.TooLarge && batch.EntryCount > 1)
            {
                var (first, second) = Batcher.Split(batch);
                await PushSplittingAsync(first, giveUpAt, outcomes, cancellationToken).ConfigureAwait(false);
                await PushSplittingAsync(second, giveUpAt, outcomes, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
