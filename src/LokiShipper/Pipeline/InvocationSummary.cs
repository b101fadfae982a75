using System.Text.Json;

namespace LokiShipper.Pipeline;

/// <summary>
/// The counts of one invocation, logged as one JSON line. Every entry that came in is pushed, rejected by Loki
/// (with Loki's reason, or <c>unconfirmed</c> when Loki's answers could not settle it), dropped (with our reason), or
/// failed (the invocation fails so Lambda retries the event).
/// </summary>
public sealed class InvocationSummary
{
    public bool Ok => Error is null;
    public string? Error { get; set; }
    public string? ErrorType { get; set; }
    public string? LogGroup { get; set; }

    /// <summary>What invoked us: <c>cloudwatch</c> (a subscription, or a failure record of one), <c>sqs</c> or <c>kinesis</c>.</summary>
    public string Source { get; set; } = "cloudwatch";
    public int EntriesIn { get; set; }
    public int EntriesPushed { get; set; }
    public int EntriesRejected { get; set; }
    public int EntriesFailed { get; set; }
    public SortedDictionary<string, int> Rejected { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, int> Dropped { get; } = new(StringComparer.Ordinal);
    public int LinesTruncated { get; set; }

    /// <summary>Entries stored without their structured metadata, because Loki does not accept it (they are also in <see cref="EntriesPushed"/>).</summary>
    public int MetadataDropped { get; set; }

    /// <summary>Requests sent again after a 400 to find out which entries Loki kept.</summary>
    public int VerificationPushes { get; set; }
    public int Batches { get; set; }
    public List<int> FailedBatches { get; } = [];
    public long BytesSent { get; set; }

    /// <summary>Batches Loki refused as too large and that were sent again as two halves.</summary>
    public int Splits { get; set; }

    /// <summary>Time spent pushing (all batches, retries included).</summary>
    public long PushMs { get; set; }

    /// <summary>
    /// For SQS and Kinesis events, what Lambda is to retry: the SQS message ids that go back to the queue, or the
    /// sequence number of the first Kinesis record not delivered. Null for other events.
    /// </summary>
    public List<string>? BatchItemFailures { get; set; }

    /// <summary>For SQS and Kinesis events: messages or records that could not be decoded.</summary>
    public int InvalidItems { get; set; }
    public int Retries { get; set; }
    public long ElapsedMs { get; set; }

    public int EntriesDropped => Dropped.Values.Sum();

    public void Drop(string reason, int count)
    {
        if (count > 0)
        {
            Dropped[reason] = Dropped.GetValueOrDefault(reason) + count;
        }
    }

    public void Reject(string reason, int count)
    {
        if (count > 0)
        {
            Rejected[reason] = Rejected.GetValueOrDefault(reason) + count;
            EntriesRejected += count;
        }
    }

    /// <summary>Writes the summary's fields into an open JSON object.</summary>
    public void WriteFields(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteBoolean("ok", Ok);
        writer.WriteString("source", Source);
        if (Error is not null)
        {
            writer.WriteString("error", Error);
        }

        if (LogGroup is not null)
        {
            writer.WriteString("log_group", LogGroup);
        }

        writer.WriteNumber("entries_in", EntriesIn);
        writer.WriteNumber("entries_pushed", EntriesPushed);
        writer.WriteNumber("entries_rejected", EntriesRejected);
        WriteCounts(writer, "rejected", Rejected);
        WriteCounts(writer, "dropped", Dropped);
        writer.WriteNumber("entries_failed", EntriesFailed);
        writer.WriteNumber("metadata_dropped", MetadataDropped);
        writer.WriteNumber("lines_truncated", LinesTruncated);
        writer.WriteNumber("batches", Batches);
        if (FailedBatches.Count > 0)
        {
            writer.WriteStartArray("failed_batches");
            foreach (var index in FailedBatches)
            {
                writer.WriteNumberValue(index);
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber("bytes_sent", BytesSent);
        writer.WriteNumber("retries", Retries);
        if (Splits > 0)
        {
            writer.WriteNumber("splits", Splits);
        }

        if (VerificationPushes > 0)
        {
            writer.WriteNumber("verification_pushes", VerificationPushes);
        }

        if (BatchItemFailures is not null)
        {
            writer.WriteNumber(Source == "kinesis" ? "invalid_records" : "invalid_messages", InvalidItems);
            writer.WriteStartArray("batch_item_failures");
            foreach (var id in BatchItemFailures)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber("push_ms", PushMs);
        writer.WriteNumber("elapsed_ms", ElapsedMs);
    }

    private static void WriteCounts(Utf8JsonWriter writer, string name, SortedDictionary<string, int> counts)
    {
        writer.WriteStartObject(name);
        foreach (var (reason, count) in counts)
        {
            writer.WriteNumber(reason, count);
        }

        writer.WriteEndObject();
    }
}
