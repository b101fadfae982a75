
namespace LokiShipper.Loki.Rejections;

/// <summary>
/// Settles where every entry of a request that Loki answered with a validation 400 ended. The body decides what it
/// can (<see cref="RejectionAnalyzer"/>). The rest is found out by pushing those entries again, as they were, one
/// stream per request (Loki's ingester reports the outcome of the last stream of a request only): Loki keeps one copy
/// of an entry it already stored, and refuses again what it refused (its limits only move forward). A push that still
/// leaves entries open is split in halves, down to single entries, whose answer is plain.
/// </summary>
/// <remarks>
/// One answer to such a push can mislead: "too far behind" for an entry that was stored, when this request's own
/// newer entries, stored meanwhile, became the stream's newest. Loki's limit tells which: the oldest acceptable
/// timestamp plus its out-of-order window (1 h by default) is the stream's newest entry; when that is newer than
/// anything this request sent for the stream, Loki held it before, the limit is the one the first push met, and the
/// refusal stands. Otherwise the entry is unconfirmed.
/// </remarks>
internal static class PartialAcceptance
{
    /// <summary>Verification pushes one request may cost.</summary>
    public const int MaxVerificationPushes = 24;

    /// <summary>Loki's default out-of-order window (<c>max_chunk_age</c> / 2).</summary>
    public static readonly long OutOfOrderWindowNs = (long)TimeSpan.FromHours(1).TotalMicroseconds * 1000;

    public static async Task<AcceptanceLedger> ResolveAsync(
        PushBatch batch,
        RejectionBody body,
        PushAnswer first,
        bool metadataSent,
        Func<PushBatch, Task<PushAnswer>> send,
        TimeProvider time,
        DateTimeOffset giveUpAt)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(time);
        var ledger = new AcceptanceLedger(batch.EntryCount);
        var offsets = BatchSelection.Offsets(batch);
        var analysis = RejectionAnalyzer.Analyze(batch, body, first.SentAtNs, metadataSent);
        var open = new List<int>();
        for (var e = 0; e < batch.EntryCount; e++)
        {
            switch (analysis.Verdicts[e])
            {
                case EntryVerdict.Stored:
                    ledger.Store(e);
                    break;
                case EntryVerdict.Refused:
                    ledger.Refuse(e, analysis.Reasons[e]!);
                    break;
                default:
                    open.Add(e);
                    break;
            }
        }

        // The newest entry of each stream this request may have stored: the reference for "too far behind" answers.
        var newestSent = new long[batch.Streams.Count];
        for (var s = 0; s < batch.Streams.Count; s++)
        {
            newestSent[s] = Enumerable.Range(offsets[s], batch.Streams[s].Entries.Count)
                .Where(e => analysis.Verdicts[e] != EntryVerdict.Refused)
                .Select(e => batch.Streams[s].Entries[e - offsets[s]].TimestampNs)
                .DefaultIfEmpty(long.MinValue)
                .Max();
        }

        var queue = new Queue<List<int>>(open.GroupBy(e => BatchSelection.StreamOf(offsets, e)).Select(g => g.ToList()));
        while (queue.TryDequeue(out var entries))
        {
            if (ledger.VerificationPushes >= MaxVerificationPushes || time.GetUtcNow() >= giveUpAt)
            {
                entries.ForEach(ledger.Unconfirm);
                continue;
            }

            var part = BatchSelection.Select(batch, entries);
            ledger.VerificationPushes++;
            PushAnswer answer;
            try
            {
                answer = await send(part).ConfigureAwait(false);
            }
            catch (PushFailedException)
            {
                entries.ForEach(ledger.Unconfirm);
                continue;
            }

            if (answer.Stored)
            {
                entries.ForEach(ledger.Store);
                continue;
            }

            var again = LokiRejectionParser.Parse(answer.Body);
            if (!again.IsValidation)
            {
                entries.ForEach(ledger.Unconfirm);
                continue;
            }

            var verdicts = RejectionAnalyzer.Analyze(part, again, answer.SentAtNs, metadataSent);
            var stream = BatchSelection.StreamOf(offsets, entries[0]);
            var still = new List<int>();
            for (var k = 0; k < entries.Count; k++)
            {
                switch (verdicts.Verdicts[k])
                {
                    case EntryVerdict.Stored:
                        ledger.Store(entries[k]);
                        break;
                    case EntryVerdict.Refused when IsIngesterReason(verdicts.Reasons[k]) && !LimitPredatesRequest(again, newestSent[stream]):
                        ledger.Unconfirm(entries[k]);
                        break;
                    case EntryVerdict.Refused:
                        ledger.Refuse(entries[k], verdicts.Reasons[k]!);
                        break;
                    default:
                        still.Add(entries[k]);
                        break;
                }
            }

            if (still.Count == 0)
            {
                continue;
            }

            if (still.Count < entries.Count)
            {
                queue.Enqueue(still);
            }
            else if (still.Count == 1)
            {
                // One entry, refused: the body is about it.
                ledger.Refuse(still[0], verdicts.Reasons[0] ?? again.Findings.FirstOrDefault()?.Reason ?? "unrecognized");
            }
            else
            {
                queue.Enqueue(still[..(still.Count / 2)]);
                queue.Enqueue(still[(still.Count / 2)..]);
            }
        }

        return ledger;
    }

    private static bool IsIngesterReason(string? reason) => reason is "entry_too_far_behind" or "entry_out_of_order";

    /// <summary>
    /// Whether the stream's newest entry, as the ingester's limit gives it (limit + window, to the second), is newer than
    /// every entry this request sent for it: then Loki held it before the request, and refused the same way then.
    /// </summary>
    private static bool LimitPredatesRequest(RejectionBody answer, long newestSentNs) =>
        answer.Findings.FirstOrDefault(f => f.Kind == RejectionKind.TooFarBehind)?.CutoffNs is { } cutoff
        && cutoff + OutOfOrderWindowNs > newestSentNs + 1_000_000_000L;
}
