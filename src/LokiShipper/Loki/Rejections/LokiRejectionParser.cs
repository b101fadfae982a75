using System.Globalization;
using System.Text.RegularExpressions;

namespace LokiShipper.Loki.Rejections;

/// <summary>
/// Reads the body of a 400 from Loki's push API into findings. The messages are Loki's own (captured from Loki 2.7.5
/// and 3.4.6, see tests/LokiShipper.Tests/Loki/Rejections): the distributor's validation errors, grouped with counts by
/// Loki 3 (<c>3 errors like: …; 1 errors like: …</c>) or the last one alone (Loki 2), and the ingester's refusals with
/// <c>total ignored: N out of M</c>. A body that matches none of them is not a validation error: Loki could not read the
/// request and stored nothing.
/// </summary>
internal static partial class LokiRejectionParser
{
    public static RejectionBody Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var text = body.Trim();
        if (IngesterTotal().IsMatch(text))
        {
            return ParseIngester(text);
        }

        var groups = GroupStart().Matches(text);
        if (groups.Count > 0 && groups[0].Index == 0)
        {
            var findings = new List<RejectionFinding>(groups.Count);
            for (var i = 0; i < groups.Count; i++)
            {
                var start = groups[i].Index + groups[i].Length;
                var end = i + 1 < groups.Count ? groups[i + 1].Index : text.Length;
                var count = int.Parse(groups[i].Groups["n"].ValueSpan, CultureInfo.InvariantCulture);
                findings.Add(ParseMessage(text[start..end], count));
            }

            return new RejectionBody(RejectionBodyShape.Grouped, findings, text);
        }

        var single = ParseMessage(text, count: null);
        return single.Kind == RejectionKind.Unrecognized && !LooksLikeValidation(text)
            ? new RejectionBody(RejectionBodyShape.NotValidation, [], text)
            : new RejectionBody(RejectionBodyShape.Single, [single], text);
    }

    private static RejectionFinding ParseMessage(string message, int? count)
    {
        if (TooOld().Match(message) is { Success: true } old)
        {
            return new(RejectionKind.TooOld, "too_old", old.Groups["s"].Value, count, Seconds(old.Groups["cut"].Value), Seconds(old.Groups["ts"].Value), null, null, message);
        }

        if (TooNew().Match(message) is { Success: true } future)
        {
            return new(RejectionKind.TooNew, "too_far_in_future", future.Groups["s"].Value, count, null, Seconds(future.Groups["ts"].Value), null, null, message);
        }

        if (LineTooLong().Match(message) is { Success: true } tooLong)
        {
            return new(RejectionKind.LineTooLong, "line_too_long", tooLong.Groups["s"].Value, count, null, null, long.Parse(tooLong.Groups["max"].ValueSpan, CultureInfo.InvariantCulture), null, message);
        }

        if (MetadataDisallowed().Match(message) is { Success: true } metadata)
        {
            return new(RejectionKind.StructuredMetadata, "structured_metadata", metadata.Groups["s"].Value, count, null, null, null, null, message);
        }

        if (message.Contains("structured metadata", StringComparison.OrdinalIgnoreCase))
        {
            // Too large or too many metadata labels: per entry, and which entries is not said.
            return new(RejectionKind.Unrecognized, "structured_metadata_too_large", StreamIn(message), count, null, null, null, null, message);
        }

        if (message.Contains("stream limit", StringComparison.OrdinalIgnoreCase) || message.Contains("maximum active stream", StringComparison.OrdinalIgnoreCase))
        {
            return new(RejectionKind.Stream, "stream_limit", StreamIn(message), count, null, null, null, null, message);
        }

        if (message.Contains("label", StringComparison.OrdinalIgnoreCase) && StreamIn(message) is { } labelled)
        {
            // Label names or values Loki refuses (too long, too many, duplicate, invalid): the whole stream.
            return new(RejectionKind.Stream, "invalid_labels", labelled, count, null, null, null, null, message);
        }

        return new(RejectionKind.Unrecognized, "unrecognized", StreamIn(message), count, null, null, null, null, message);
    }

    private static RejectionBody ParseIngester(string text)
    {
        var findings = new List<RejectionFinding>();
        string? reason = null;
        string? stream = null;
        long? cutoff = null;
        foreach (Match entry in IngesterEntry().Matches(text))
        {
            var why = entry.Groups["why"].Value;
            reason ??= why.StartsWith("entry out of order", StringComparison.Ordinal) ? "entry_out_of_order"
                : why.Contains("too far behind", StringComparison.Ordinal) ? "entry_too_far_behind"
                : "unrecognized";
            stream ??= entry.Groups["s"].Success ? entry.Groups["s"].Value : null;
            if (cutoff is null && OldestAcceptable().Match(why) is { Success: true } oldest)
            {
                cutoff = Seconds(oldest.Groups["cut"].Value);
            }
        }

        foreach (Match total in IngesterTotal().Matches(text))
        {
            var totalStream = total.Groups["s"].Success ? total.Groups["s"].Value : stream;
            var kind = reason is "unrecognized" or null ? RejectionKind.Unrecognized : RejectionKind.TooFarBehind;
            findings.Add(new(
                kind,
                reason ?? "unrecognized",
                totalStream,
                int.Parse(total.Groups["n"].ValueSpan, CultureInfo.InvariantCulture),
                cutoff,
                null,
                null,
                int.Parse(total.Groups["m"].ValueSpan, CultureInfo.InvariantCulture),
                FirstLine(text)));
        }

        return new RejectionBody(RejectionBodyShape.Ingester, findings, text);
    }

    /// <summary>
    /// A message this parser does not know but Loki's validation wording: treated as a validation error (refusals to be
    /// found out), never as "nothing stored", which would resend what Loki may have kept.
    /// </summary>
    private static bool LooksLikeValidation(string text) =>
        text.StartsWith("entry for stream", StringComparison.Ordinal)
        || text.StartsWith("stream '", StringComparison.Ordinal)
        || text.Contains("error parsing labels", StringComparison.Ordinal)
        || text.Contains("label name", StringComparison.OrdinalIgnoreCase)
        || text.Contains("label value", StringComparison.OrdinalIgnoreCase)
        || text.Contains("stream limit", StringComparison.OrdinalIgnoreCase);

    private static string? StreamIn(string message)
    {
        var match = QuotedStream().Match(message);
        if (match.Success)
        {
            return match.Groups["s"].Value;
        }

        match = BareStream().Match(message);
        return match.Success ? match.Groups["s"].Value : null;
    }

    private static long? Seconds(string rfc3339) =>
        DateTimeOffset.TryParse(rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUnixTimeSeconds() * 1_000_000_000L
            : null;

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    [GeneratedRegex(@"(?:^|; )(?<n>\d+) errors like: ")]
    private static partial Regex GroupStart();

    [GeneratedRegex(@"^entry for stream '(?<s>\{.*\})' has timestamp too old: (?<ts>\S+), oldest acceptable timestamp is: (?<cut>\S+?)\s*$", RegexOptions.Singleline)]
    private static partial Regex TooOld();

    [GeneratedRegex(@"^entry for stream '(?<s>\{.*\})' has timestamp too new: (?<ts>\S+?)\s*$", RegexOptions.Singleline)]
    private static partial Regex TooNew();

    [GeneratedRegex(@"^Max entry size '(?<max>\d+)' bytes exceeded for stream '(?<s>\{.*\})' while adding an entry with length '\d+' bytes", RegexOptions.Singleline)]
    private static partial Regex LineTooLong();

    [GeneratedRegex(@"^stream '(?<s>\{.*\})' includes structured metadata, but this feature is disallowed", RegexOptions.Singleline)]
    private static partial Regex MetadataDisallowed();

    [GeneratedRegex(@"stream '(?<s>\{.*?\})' ", RegexOptions.Singleline)]
    private static partial Regex QuotedStream();

    [GeneratedRegex(@"labels (?<s>\{.*\}) with error", RegexOptions.Singleline)]
    private static partial Regex BareStream();

    [GeneratedRegex(@"(?m)^entry with timestamp .*? ignored, reason: '(?<why>[^\n]*?)'(?: for stream: (?<s>\{.*\}))?,?\r?$")]
    private static partial Regex IngesterEntry();

    [GeneratedRegex(@"(?m)total ignored: (?<n>\d+) out of (?<m>\d+)(?: for stream: (?<s>\{.*\}))?\r?$")]
    private static partial Regex IngesterTotal();

    [GeneratedRegex(@"oldest acceptable timestamp is: (?<cut>[0-9TZ:+\-]+)")]
    private static partial Regex OldestAcceptable();
}
