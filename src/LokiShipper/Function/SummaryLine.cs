using System.Text.Json;
using LokiShipper.Pipeline;

namespace LokiShipper.Function;

/// <summary>
/// The summary line: an invocation's outcome as one JSON object, logged after every invocation and answered to a
/// local invoke. Every entry that came in appears in exactly one of pushed, rejected, dropped and failed, or was joined
/// onto the line before it (multiline).
/// </summary>
internal static class SummaryLine
{
    /// <summary>Writes the outcome's fields into an open JSON object.</summary>
    public static void WriteFields(Utf8JsonWriter writer, InvocationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(outcome);
        writer.WriteBoolean("ok", outcome.Ok);
        writer.WriteString("source", outcome.Source);
        if (outcome.ErrorMessage is { } error)
        {
            writer.WriteString("error", error);
        }

        if (outcome.SummaryField is { } field)
        {
            writer.WriteString(field.Key, field.Value);
        }

        writer.WriteNumber("entries_in", outcome.EntriesIn);
        writer.WriteNumber("entries_pushed", outcome.EntriesPushed);
        writer.WriteNumber("entries_rejected", outcome.EntriesRejected);
        WriteCounts(writer, "rejected", outcome.Rejected);
        WriteCounts(writer, "dropped", outcome.Dropped);
        if (outcome.DroppedItems.Count > 0)
        {
            WriteCounts(writer, "dropped_items", outcome.DroppedItems);
        }

        writer.WriteNumber("entries_failed", outcome.EntriesFailed);
        writer.WriteNumber("metadata_dropped", outcome.MetadataDropped);
        writer.WriteNumber("lines_truncated", outcome.LinesTruncated);
        if (outcome.LinesRedacted > 0)
        {
            writer.WriteNumber("lines_redacted", outcome.LinesRedacted);
        }

        if (outcome.LinesJoined > 0)
        {
            writer.WriteNumber("lines_joined", outcome.LinesJoined);
        }
        writer.WriteNumber("batches", outcome.Batches);
        if (outcome.FailedBatches.Count > 0)
        {
            writer.WriteStartArray("failed_batches");
            foreach (var index in outcome.FailedBatches)
            {
                writer.WriteNumberValue(index);
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber("bytes_sent", outcome.BytesSent);
        writer.WriteNumber("retries", outcome.Retries);
        if (outcome.Splits > 0)
        {
            writer.WriteNumber("splits", outcome.Splits);
        }

        if (outcome.ItemsContinued > 0)
        {
            writer.WriteNumber("items_continued", outcome.ItemsContinued);
        }

        if (outcome.VerificationPushes > 0)
        {
            writer.WriteNumber("verification_pushes", outcome.VerificationPushes);
        }

        if (outcome.BatchItemFailures is { } failures)
        {
            writer.WriteNumber(outcome.InvalidItemsName, outcome.InvalidItems);
            writer.WriteStartArray("batch_item_failures");
            foreach (var id in failures)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber("push_ms", outcome.PushMs);
        writer.WriteNumber("elapsed_ms", outcome.ElapsedMs);
    }

    private static void WriteCounts(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, int> counts)
    {
        writer.WriteStartObject(name);
        foreach (var (reason, count) in counts)
        {
            writer.WriteNumber(reason, count);
        }

        writer.WriteEndObject();
    }
}
