namespace LokiShipper.Loki.Rejections;

/// <summary>The fate of each entry of one request (flat index), as it is settled.</summary>
internal sealed class AcceptanceLedger
{
    private readonly EntryFate[] _fates;
    private readonly string?[] _reasons;

    public AcceptanceLedger(int entries)
    {
        _fates = new EntryFate[entries];
        _reasons = new string?[entries];
    }

    public int Count => _fates.Length;

    /// <summary>Requests sent to find out what Loki kept.</summary>
    public int VerificationPushes { get; set; }

    public EntryFate FateOf(int entry) => _fates[entry];

    public string? ReasonOf(int entry) => _reasons[entry];

    public void Store(int entry) => (_fates[entry], _reasons[entry]) = (EntryFate.Stored, null);

    public void Refuse(int entry, string reason) => (_fates[entry], _reasons[entry]) = (EntryFate.Refused, reason);

    public void Unconfirm(int entry) => (_fates[entry], _reasons[entry]) = (EntryFate.Unconfirmed, "unconfirmed");
}
