namespace LokiShipper.Loki.Rejections;

/// <summary>Where an entry of a partially accepted request ended.</summary>
internal enum EntryFate : byte
{
    Stored,
    Refused,

    /// <summary>Loki's answers could not settle it (limits of time or requests, or a verification that could mislead): counted as such, never as pushed.</summary>
    Unconfirmed,
}
