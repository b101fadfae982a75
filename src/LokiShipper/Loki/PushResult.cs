namespace LokiShipper.Loki;

/// <summary>Where the entries of one batch ended, and what it cost.</summary>
/// <param name="Accepted">Entries Loki stored.</param>
/// <param name="Rejected">Entries Loki refused (not resent), by reason; <c>unconfirmed</c> for those whose fate Loki's answers left open.</param>
/// <param name="MetadataDropped">Stored entries that were sent without their structured metadata because Loki does not accept it.</param>
/// <param name="BytesSent">Request body bytes sent, all attempts and verification pushes included.</param>
/// <param name="Retries">Attempts after the first, over all requests.</param>
/// <param name="VerificationPushes">Requests sent again, after a 400, to find out which entries Loki kept.</param>
internal sealed record PushResult(int Accepted, IReadOnlyDictionary<string, int> Rejected, int MetadataDropped, long BytesSent, int Retries, int VerificationPushes)
{
    private static readonly IReadOnlyDictionary<string, int> NoneRejected = new Dictionary<string, int>();

    /// <summary>Every entry stored, in one request.</summary>
    public static PushResult AllStored(int entries, long bytesSent, int retries = 0) => new(entries, NoneRejected, 0, bytesSent, retries, 0);

    public int RejectedCount => Rejected.Values.Sum();
}
