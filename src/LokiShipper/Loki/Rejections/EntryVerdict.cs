namespace LokiShipper.Loki.Rejections;

/// <summary>What a 400 body tells about one entry of the request.</summary>
internal enum EntryVerdict : byte
{
    /// <summary>Stored, as far as anything Loki can hide goes.</summary>
    Stored,

    /// <summary>Refused, with the reason the analysis gives.</summary>
    Refused,

    /// <summary>The body allows either (a limit quoted to the second, a count that does not fit): to be found out.</summary>
    Unknown,

    /// <summary>Not named, but of a kind Loki would not have named in this body (a refusal it hides): to be verified.</summary>
    AtRisk,
}
