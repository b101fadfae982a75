using System.Text.Json;
using LokiShipper.Onboarding;

namespace LokiShipper.Function;

/// <summary>
/// The summary of an onboarding invocation: counts per action and the groups concerned (the first
/// <see cref="MaxNames"/> of each list, so a sweep of thousands of groups stays one readable line).
/// </summary>
internal static class OnboardingSummary
{
    public const int MaxNames = 50;

    public static void WriteFields(Utf8JsonWriter writer, OnboardingOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(outcome);
        var report = outcome.Report;
        writer.WriteString("onboarding", outcome.Trigger);
        writer.WriteString("action", outcome.Action);
        if (outcome.LogGroup is not null)
        {
            writer.WriteString("log_group", outcome.LogGroup);
        }

        if (outcome.Answer is { } answer)
        {
            writer.WriteString("status", answer.Success ? "SUCCESS" : "FAILED");
            writer.WriteString("reason", answer.Reason);
        }

        writer.WriteNumber("selected", report.Examined);
        writer.WriteNumber("not_selected", report.NotSelected);
        Names(writer, "subscribed", report.Subscribed);
        Names(writer, "updated", report.Updated);
        Names(writer, "already_subscribed", report.AlreadySubscribed);
        Names(writer, "removed", report.Removed);
        Names(writer, "gone", report.Gone);
        if (report.Full.Count > 0)
        {
            writer.WriteNumber("full", report.Full.Count);
            writer.WriteStartArray("full_log_groups");
            foreach (var full in report.Full.Take(MaxNames))
            {
                writer.WriteStartObject();
                writer.WriteString("log_group", full.LogGroup);
                writer.WriteStartArray("filters");
                foreach (var name in full.FilterNames)
                {
                    writer.WriteStringValue(name);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (report.RetentionChanges.Count > 0)
        {
            writer.WriteNumber("retention_set", report.RetentionChanges.Count);
            writer.WriteStartArray("retention_changes");
            foreach (var change in report.RetentionChanges.Take(MaxNames))
            {
                writer.WriteStartObject();
                writer.WriteString("log_group", change.LogGroup);
                if (change.FromDays is { } from)
                {
                    writer.WriteNumber("from_days", from);
                }
                else
                {
                    writer.WriteString("from_days", "never expire");
                }

                writer.WriteNumber("to_days", change.ToDays);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (report.Failures.Count > 0)
        {
            writer.WriteNumber("failed", report.Failures.Count);
            writer.WriteStartArray("failures");
            foreach (var failure in report.Failures.Take(MaxNames))
            {
                writer.WriteStartObject();
                writer.WriteString("log_group", failure.LogGroup);
                writer.WriteString("error", failure.Error);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (report.NotReached > 0)
        {
            writer.WriteNumber("not_reached", report.NotReached);
        }

        if (outcome.Note is not null)
        {
            writer.WriteString("note", outcome.Note);
        }

        if (outcome.Error is not null)
        {
            writer.WriteString("error", outcome.Error);
        }
    }

    private static void Names(Utf8JsonWriter writer, string name, List<string> groups)
    {
        if (groups.Count == 0)
        {
            return;
        }

        writer.WriteNumber(name, groups.Count);
        writer.WriteStartArray(name + "_log_groups");
        foreach (var group in groups.Take(MaxNames))
        {
            writer.WriteStringValue(group);
        }

        writer.WriteEndArray();
    }
}
