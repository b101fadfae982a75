
namespace LokiShipper.Loki.Rejections;

/// <summary>
/// Decides, from a 400 body, which entries of the request Loki refused. It uses what the messages imply, not only
/// what they name: the oldest acceptable timestamp is one limit for the whole request (every older entry was
/// refused), the maximum line size refuses every longer line, disallowed structured metadata refuses every entry
/// that carries some, and a refused stream loses all its entries. Because each stream's entries are sent sorted by
/// time, the entries Loki refuses as too old, or as too far behind the stream's newest, are the oldest of that stream,
/// and those it refuses as too new the newest: a count (Loki 3's <c>N errors like</c>, the ingester's
/// <c>N out of M</c>) then says exactly which. What the body leaves open is <see cref="EntryVerdict.Unknown"/>, and
/// what Loki may have refused without saying is <see cref="EntryVerdict.AtRisk"/>: the caller verifies both.
/// </summary>
internal static class RejectionAnalyzer
{
    /// <summary>
    /// Entries newer than this before the push cannot have been refused as too far behind unseen: with Loki's defaults,
    /// a stream's newest entry is at most 10 minutes ahead (<c>creation_grace_period</c>) and the out-of-order window
    /// is 1 hour (<c>max_chunk_age</c> / 2).
    /// </summary>
    public static readonly long OutOfOrderHorizonNs = (long)TimeSpan.FromMinutes(50).TotalMicroseconds * 1000;

    private const long Second = 1_000_000_000;

    /// <param name="batch">The request.</param>
    /// <param name="body">Loki's answer, a validation error.</param>
    /// <param name="pushedAtNs">When the request was sent (Unix ns).</param>
    /// <param name="metadataSent">Whether the request carried the entries' structured metadata.</param>
    public static RejectionAnalysis Analyze(PushBatch batch, RejectionBody body, long pushedAtNs, bool metadataSent)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(body);
        var streams = batch.Streams;
        var offsets = BatchSelection.Offsets(batch);

        var analysis = new RejectionAnalysis(offsets[^1]);
        var labels = streams.Select(s => s.Labels).ToList();
        var grouped = body.Shape == RejectionBodyShape.Grouped;
        var named = body.Findings.Select(f => f.Stream is null ? -1 : LokiStreamText.Find(f.Stream, labels)).ToArray();

        void DoubtAll(Func<int, bool> streamFilter, string reason)
        {
            for (var s = 0; s < streams.Count; s++)
            {
                if (!streamFilter(s))
                {
                    continue;
                }

                for (var e = offsets[s]; e < offsets[s + 1]; e++)
                {
                    if (analysis.Verdicts[e] != EntryVerdict.Refused)
                    {
                        analysis.Doubt(e, reason);
                    }
                }
            }
        }

        // Loki checks a stream's labels first: a refused stream is refused whole.
        for (var f = 0; f < body.Findings.Count; f++)
        {
            var finding = body.Findings[f];
            if (finding.Kind != RejectionKind.Stream)
            {
                continue;
            }

            if (named[f] < 0)
            {
                DoubtAll(_ => true, finding.Reason);
                continue;
            }

            for (var e = offsets[named[f]]; e < offsets[named[f] + 1]; e++)
            {
                analysis.Refuse(e, finding.Reason);
            }
        }

        // Then each entry: timestamp, line size, structured metadata.
        ApplyTooOld(batch, body, named, offsets, analysis, grouped);
        ApplyTooNew(batch, body, named, offsets, analysis, grouped, pushedAtNs);
        var maxLineBytes = MaxLineBytes(body);
        ApplyLimit(batch, body, named, offsets, analysis, grouped, RejectionKind.LineTooLong, CountRule.EveryMatch, entry =>
            entry.LineBytes > maxLineBytes ? EntryVerdict.Refused : EntryVerdict.Stored);
        if (metadataSent)
        {
            ApplyLimit(batch, body, named, offsets, analysis, grouped, RejectionKind.StructuredMetadata, CountRule.EveryMatch, entry =>
                entry.Metadata.IsEmpty ? EntryVerdict.Stored : EntryVerdict.Refused);
        }

        // The ingester: the oldest N of the entries of the stream it names that passed the distributor.
        var ingesterNamed = new HashSet<int>();
        for (var f = 0; f < body.Findings.Count; f++)
        {
            var finding = body.Findings[f];
            if (finding.Kind != RejectionKind.TooFarBehind)
            {
                continue;
            }

            var s = named[f];
            if (s < 0)
            {
                DoubtAll(_ => true, finding.Reason);
                continue;
            }

            ingesterNamed.Add(s);
            var passed = Enumerable.Range(offsets[s], streams[s].Entries.Count).Where(e => analysis.Verdicts[e] == EntryVerdict.Stored).ToList();
            if (finding.Count is not { } refused || finding.StreamEntries != passed.Count || refused > passed.Count)
            {
                DoubtAll(x => x == s, finding.Reason);
                continue;
            }

            foreach (var e in passed.Take(refused))
            {
                analysis.Refuse(e, finding.Reason);
            }
        }

        // Errors this shipper cannot map to entries: the stream they name, or every stream, is to be found out.
        for (var f = 0; f < body.Findings.Count; f++)
        {
            if (body.Findings[f].Kind == RejectionKind.Unrecognized)
            {
                var s = named[f];
                DoubtAll(x => s < 0 || x == s, body.Findings[f].Reason);
            }
        }

        MarkHidden(batch, body.Shape, offsets, analysis, ingesterNamed, pushedAtNs);
        return analysis;
    }

    /// <summary>
    /// What the body cannot show. Loki 2 and a single-error Loki 3 answer with one message whatever else was refused:
    /// every entry not named is to be verified. Whatever the shape, the ingester's refusals are reported for the last
    /// stream of the request only, and not at all beside the distributor's: entries old enough to be too far behind
    /// are to be verified.
    /// </summary>
    private static void MarkHidden(PushBatch batch, RejectionBodyShape shape, int[] offsets, RejectionAnalysis analysis, HashSet<int> ingesterNamed, long pushedAtNs)
    {
        for (var s = 0; s < batch.Streams.Count; s++)
        {
            if (shape != RejectionBodyShape.Single && ingesterNamed.Contains(s))
            {
                continue;
            }

            var entries = batch.Streams[s].Entries;
            for (var i = 0; i < entries.Count; i++)
            {
                var e = offsets[s] + i;
                if (analysis.Verdicts[e] == EntryVerdict.Stored
                    && (shape == RejectionBodyShape.Single || entries[i].TimestampNs < pushedAtNs - OutOfOrderHorizonNs))
                {
                    analysis.Verdicts[e] = EntryVerdict.AtRisk;
                }
            }
        }
    }

    private static void ApplyTooOld(PushBatch batch, RejectionBody body, int[] named, int[] offsets, RejectionAnalysis analysis, bool grouped)
    {
        // One limit for the request: now minus reject_old_samples_max_age, printed to the second (rounded down).
        var cutoff = body.Findings.Where(f => f.Kind == RejectionKind.TooOld).Min(f => f.CutoffNs);
        ApplyLimit(batch, body, named, offsets, analysis, grouped, RejectionKind.TooOld, CountRule.Oldest, entry =>
            cutoff is null ? EntryVerdict.Unknown
            : entry.TimestampNs < cutoff ? EntryVerdict.Refused
            : entry.TimestampNs < cutoff + Second ? EntryVerdict.Unknown
            : EntryVerdict.Stored);
    }

    private static void ApplyTooNew(PushBatch batch, RejectionBody body, int[] named, int[] offsets, RejectionAnalysis analysis, bool grouped, long pushedAtNs)
    {
        // The limit (Loki's clock plus creation_grace_period) is not printed: the named entry is past it, and every
        // entry a second or more newer is too. Between our clock and that, it is to be found out.
        var newestNamed = body.Findings.Where(f => f.Kind == RejectionKind.TooNew).Min(f => f.EntryNs);
        ApplyLimit(batch, body, named, offsets, analysis, grouped, RejectionKind.TooNew, CountRule.Newest, entry =>
            newestNamed is null ? (entry.TimestampNs > pushedAtNs ? EntryVerdict.Unknown : EntryVerdict.Stored)
            : entry.TimestampNs >= newestNamed + Second ? EntryVerdict.Refused
            : entry.TimestampNs >= Math.Min(newestNamed.Value, pushedAtNs) ? EntryVerdict.Unknown
            : EntryVerdict.Stored);
    }

    /// <summary>What Loki 3's count of a kind of error says about a stream's entries.</summary>
    private enum CountRule
    {
        /// <summary>The refused are the stream's oldest (too old): the count says where they end.</summary>
        Oldest,

        /// <summary>The refused are the stream's newest (too new).</summary>
        Newest,

        /// <summary>Every entry the rule matches is refused (line size, metadata): the count must agree.</summary>
        EveryMatch,
    }

    /// <summary>
    /// Applies one of Loki's per-entry checks to every stream, to the entries no earlier check refused (for
    /// <see cref="CountRule.EveryMatch"/>: none left open either); with Loki 3's counts, settles what it leaves open or
    /// doubts what the count contradicts.
    /// </summary>
    /// <param name="classify">What the check says of an entry.</param>
    private static void ApplyLimit(PushBatch batch, RejectionBody body, int[] named, int[] offsets, RejectionAnalysis analysis, bool grouped, RejectionKind kind, CountRule rule, Func<LokiEntry, EntryVerdict> classify)
    {
        var findings = Indexes(body, kind);
        if (findings.Count == 0)
        {
            return;
        }

        var reason = body.Findings[findings[0]].Reason;
        for (var s = 0; s < batch.Streams.Count; s++)
        {
            var entries = batch.Streams[s].Entries;
            var eligible = new List<int>();
            for (var i = 0; i < entries.Count; i++)
            {
                var e = offsets[s] + i;
                var verdict = analysis.Verdicts[e];
                if (verdict == EntryVerdict.Refused || (rule == CountRule.EveryMatch && verdict != EntryVerdict.Stored))
                {
                    continue;
                }

                eligible.Add(e);
                switch (classify(entries[i]))
                {
                    case EntryVerdict.Refused:
                        analysis.Refuse(e, reason);
                        break;
                    case EntryVerdict.Unknown:
                        analysis.Doubt(e, reason);
                        break;
                }
            }

            if (!grouped)
            {
                continue;
            }

            var count = CountFor(body, findings, named, s);
            if (rule != CountRule.EveryMatch)
            {
                SettleByCount(analysis, eligible, count, reason, fromOldest: rule == CountRule.Oldest);
            }
            else if (count is { } refused && refused != eligible.Count(e => analysis.Verdicts[e] == EntryVerdict.Refused))
            {
                // Loki counted otherwise than the rule implies: find out for this stream.
                eligible.ForEach(e => analysis.Doubt(e, reason));
            }
        }
    }

    /// <summary>
    /// With Loki's count for a stream: the first (or last) <c>count</c> of its eligible entries are refused and the
    /// others are not, when that agrees with what the limits already settled; otherwise all stay to be found out.
    /// </summary>
    private static void SettleByCount(RejectionAnalysis analysis, List<int> eligible, int? count, string reason, bool fromOldest)
    {
        if (count is not { } refused)
        {
            return;
        }

        var ordered = fromOldest ? eligible : Enumerable.Reverse(eligible).ToList();
        var certain = ordered.Count(e => analysis.Verdicts[e] == EntryVerdict.Refused && analysis.Reasons[e] == reason);
        var open = ordered.Count(e => analysis.Verdicts[e] == EntryVerdict.Unknown && analysis.Reasons[e] == reason);
        if (refused < certain || refused > certain + open)
        {
            foreach (var e in ordered)
            {
                if (analysis.Reasons[e] == reason || analysis.Verdicts[e] == EntryVerdict.Stored)
                {
                    analysis.Doubt(e, reason);
                }
            }

            return;
        }

        for (var k = 0; k < ordered.Count; k++)
        {
            var e = ordered[k];
            if (analysis.Verdicts[e] == EntryVerdict.Unknown && analysis.Reasons[e] == reason)
            {
                if (k < refused)
                {
                    analysis.Refuse(e, reason);
                }
                else
                {
                    analysis.Verdicts[e] = EntryVerdict.Stored;
                    analysis.Reasons[e] = null;
                }
            }
        }
    }

    /// <summary>Loki 3's count of errors of this kind for stream <paramref name="stream"/>; 0 when it names none of them, null when a finding names no stream we sent.</summary>
    private static int? CountFor(RejectionBody body, List<int> findings, int[] named, int stream)
    {
        var total = 0;
        foreach (var f in findings)
        {
            if (named[f] < 0)
            {
                return null;
            }

            if (named[f] == stream)
            {
                total += body.Findings[f].Count ?? 1;
            }
        }

        return total;
    }

    private static List<int> Indexes(RejectionBody body, RejectionKind kind) =>
        Enumerable.Range(0, body.Findings.Count).Where(f => body.Findings[f].Kind == kind).ToList();

    private static long MaxLineBytes(RejectionBody body) =>
        body.Findings.Where(f => f.Kind == RejectionKind.LineTooLong).Min(f => f.MaxLineBytes) ?? long.MaxValue;
}
