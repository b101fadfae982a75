
namespace LokiShipper.Loki;

/// <summary>What one batch's requests added up to, as they happen (a batch may take several: verification, a resend without metadata).</summary>
internal sealed class PushTally
{
    private readonly Dictionary<string, int> _rejected = new(StringComparer.Ordinal);

    public int Accepted { get; private set; }
    public int MetadataDropped { get; private set; }
    public long BytesSent { get; set; }
    public int Retries { get; set; }
    public int VerificationPushes { get; set; }

    /// <param name="entry">The stored entry.</param>
    /// <param name="metadataWithheld">It went without its structured metadata because Loki refuses it.</param>
    public void Stored(in LokiEntry entry, bool metadataWithheld)
    {
        Accepted++;
        if (metadataWithheld && !entry.Metadata.IsEmpty)
        {
            MetadataDropped++;
        }
    }

    public void Refused(string reason) => _rejected[reason] = _rejected.GetValueOrDefault(reason) + 1;

    public PushResult ToResult() => new(Accepted, _rejected, MetadataDropped, BytesSent, Retries, VerificationPushes);
}
