namespace LokiShipper.Loki.Rejections;

/// <summary>The verdict on every entry of one request (flat: stream by stream, entries in request order), with reasons for the refused.</summary>
internal sealed class RejectionAnalysis
{
    public RejectionAnalysis(int entries)
    {
        Verdicts = new EntryVerdict[entries];
        Reasons = new string?[entries];
    }

    public EntryVerdict[] Verdicts { get; }

    /// <summary>For <see cref="EntryVerdict.Refused"/> (and the reason an <see cref="EntryVerdict.Unknown"/> entry would have).</summary>
    public string?[] Reasons { get; }

    public void Refuse(int entry, string reason)
    {
        Verdicts[entry] = EntryVerdict.Refused;
        Reasons[entry] = reason;
    }

    public void Doubt(int entry, string reason)
    {
        Verdicts[entry] = EntryVerdict.Unknown;
        Reasons[entry] = reason;
    }

    public int Count(EntryVerdict verdict) => Verdicts.Count(v => v == verdict);
}
