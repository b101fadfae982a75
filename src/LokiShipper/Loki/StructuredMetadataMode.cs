namespace LokiShipper.Loki;

/// <summary>Whether entries carry their structured metadata (<c>STRUCTURED_METADATA</c>).</summary>
internal enum StructuredMetadataMode
{
    /// <summary>Sent; when Loki answers that it does not allow it, those entries are sent again without it, and no more is sent to that Loki.</summary>
    Auto,

    /// <summary>Always sent; entries Loki refuses for it are counted as refused.</summary>
    Always,

    /// <summary>Never sent.</summary>
    Never,
}
