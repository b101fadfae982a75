using LokiShipper.Batching;

namespace LokiShipper.Push.Rejections;

/// <summary>
/// Settles where every entry of a request that Loki answered with a validation 400 ended. The body decides what it
/// can (<see cref="RejectionAnalyzer"/>). The rest is found out by pushing those entries again, as they were: Loki
/// keeps one copy of an entry it already stored, and refuses again what it refused (its limits only move forward).
/// A push that still leaves entries open is split in halves, down to single entries, whose answer is plain.
/// </summary>
/// <remarks>
/// One case is not pushed again: an entry more than <see cref="RejectionAnalyzer.OutOfOrderHorizonNs"/> older than the
/// newest entry of its stream that Loki stored could be refused as too far behind now although it was stored then.
/// Such entries are settled through their stream: when a newer entry of that stream, pushed again, turns out to have
/// been refused as too far behind (or the stream refused), so were they (Loki refuses a stream's oldest); otherwise they
/// are unconfirmed.
/// </remarks>
internal static class PartialAcceptance
{
    /// <summary>Verification pushes one request may cost.</summary>
    public const int MaxVerificationPushes = 24;

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

        if (open.Count == 0)
        {
            return ledger;
        }

        var (verify, heldBack) = SplitByStreamHorizon(batch, offsets, open, ledger);
        var queue = new Queue<List<int>>();
        if (verify.Count > 0)
        {
            queue.Enqueue(verify);
        }

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
            var still = new List<int>();
            for (var k = 0; k < entries.Count; k++)
            {
                switch (verdicts.Verdicts[k])
                {
                    case EntryVerdict.Stored:
                        ledger.Store(entries[k]);
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

        SettleHeldBack(offsets, heldBack, ledger);
        return ledger;
    }

    /// <summary>
    /// Splits the open entries into those to push again and those held back: older than their stream's newest entry
    /// not refused minus the out-of-order horizon. A stream with held-back entries and none to push gets its oldest
    /// entry within the horizon pushed again as a witness.
    /// </summary>
    private static (List<int> Verify, Dictionary<int, List<int>> HeldBack) SplitByStreamHorizon(PushBatch batch, int[] offsets, List<int> open, AcceptanceLedger ledger)
    {
        var verify = new List<int>();
        var heldBack = new Dictionary<int, List<int>>();
        var openSet = open.ToHashSet();
        for (var s = 0; s < batch.Streams.Count; s++)
        {
            var entries = batch.Streams[s].Entries;
            long? newest = null;
            for (var i = 0; i < entries.Count; i++)
            {
                var e = offsets[s] + i;
                if (ledger.FateOf(e) != EntryFate.Refused || openSet.Contains(e))
                {
                    newest = newest is null ? entries[i].TimestampNs : Math.Max(newest.Value, entries[i].TimestampNs);
                }
            }

            if (newest is null)
            {
                continue;
            }

            var horizon = newest.Value - RejectionAnalyzer.OutOfOrderHorizonNs;
            var held = new List<int>();
            var verifyCount = verify.Count;
            for (var i = 0; i < entries.Count; i++)
            {
                var e = offsets[s] + i;
                if (openSet.Contains(e))
                {
                    (entries[i].TimestampNs < horizon ? held : verify).Add(e);
                }
            }

            if (held.Count == 0)
            {
                continue;
            }

            heldBack[s] = held;
            if (verify.Count == verifyCount)
            {
                var witness = Enumerable.Range(offsets[s], entries.Count)
                    .FirstOrDefault(e => entries[e - offsets[s]].TimestampNs >= horizon && ledger.FateOf(e) == EntryFate.Stored, -1);
                if (witness >= 0)
                {
                    verify.Add(witness);
                }
            }
        }

        verify.Sort();
        return (verify, heldBack);
    }

    /// <summary>Held-back entries follow their stream: refused when a newer entry of it was refused as too far behind or the stream refused, else unconfirmed.</summary>
    private static void SettleHeldBack(int[] offsets, Dictionary<int, List<int>> heldBack, AcceptanceLedger ledger)
    {
        foreach (var (s, held) in heldBack)
        {
            string? streamReason = null;
            for (var e = offsets[s]; e < offsets[s + 1] && streamReason is null; e++)
            {
                if (!held.Contains(e) && ledger.FateOf(e) == EntryFate.Refused && ledger.ReasonOf(e) is "entry_too_far_behind" or "entry_out_of_order" or "invalid_labels" or "stream_limit")
                {
                    streamReason = ledger.ReasonOf(e);
                }
            }

            foreach (var e in held)
            {
                if (streamReason is not null)
                {
                    ledger.Refuse(e, streamReason);
                }
                else
                {
                    ledger.Unconfirm(e);
                }
            }
        }
    }
}
