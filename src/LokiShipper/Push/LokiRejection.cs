using System.Globalization;
using System.Text.RegularExpressions;
using LokiShipper.Batching;

namespace LokiShipper.Push;

/// <summary>
/// Reads a 400 from Loki. Validation errors (too old, too far behind, line too long, invalid labels, stream limit)
/// are partial acceptance: the other entries were stored. Anything else (a body Loki could not parse) stored nothing
/// and is not a partial acceptance.
/// </summary>
public static partial class LokiRejection
{
    private static readonly (string Needle, string Reason)[] Reasons =
    [
        ("too far behind", "entry_too_far_behind"),
        ("out of order", "entry_out_of_order"),
        ("timestamp too old", "too_old"),
        ("greater_than_max_sample_age", "too_old"),
        ("timestamp too new", "too_far_in_future"),
        ("too_far_in_future", "too_far_in_future"),
        ("Max entry size", "line_too_long"),
        ("line too long", "line_too_long"),
        ("line_too_long", "line_too_long"),
        ("duplicate label", "invalid_labels"),
        ("invalid labels", "invalid_labels"),
        ("error parsing labels", "invalid_labels"),
        ("label name", "invalid_labels"),
        ("label value", "invalid_labels"),
        ("too many labels", "invalid_labels"),
        ("stream limit", "stream_limit"),
        ("maximum active stream", "stream_limit"),
        ("structured metadata", "structured_metadata"),
    ];

    /// <summary>What a 400 body says, or null when it is not a validation error Loki answers per entry or stream.</summary>
    public static (int Rejected, string Reason)? Parse(string body, PushBatch batch)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(batch);
        string? reason = null;
        foreach (var (needle, key) in Reasons)
        {
            if (body.Contains(needle, StringComparison.OrdinalIgnoreCase))
            {
                reason = key;
                break;
            }
        }

        if (reason is null)
        {
            return null;
        }

        // Ingesters say "total ignored: N out of M" per stream; add them up.
        var ignored = 0;
        foreach (Match match in TotalIgnored().Matches(body))
        {
            ignored += int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
        }

        if (ignored == 0 && reason is "invalid_labels" or "stream_limit")
        {
            // The whole stream was refused: count the entries of the stream Loki names.
            foreach (var stream in batch.Streams)
            {
                if (body.Contains(stream.Labels.Text, StringComparison.Ordinal))
                {
                    ignored += stream.Entries.Count;
                }
            }
        }

        if (ignored == 0)
        {
            // The distributor names one entry per line; it may not name them all, so this is a lower bound.
            ignored = Math.Max(1, EntryLines().Matches(body).Count);
        }

        return (Math.Min(ignored, batch.EntryCount), reason);
    }

    [GeneratedRegex(@"total ignored: (\d+) out of \d+")]
    private static partial Regex TotalIgnored();

    [GeneratedRegex(@"(?m)^.*(entry with timestamp|entry for stream|Max entry size|has timestamp too).*$")]
    private static partial Regex EntryLines();
}
