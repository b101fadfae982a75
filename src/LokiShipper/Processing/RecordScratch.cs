using LokiShipper.Processing.FireLens;

namespace LokiShipper.Processing;

/// <summary>What the line stage works in while it maps one record: the line's metadata fields and their cache.</summary>
internal sealed class RecordScratch
{
    /// <summary>level, request_id, then the FireLens fields.</summary>
    public (string Name, ReadOnlyMemory<byte> Value)[] Fields { get; } = new (string Name, ReadOnlyMemory<byte> Value)[2 + FireLensRecord.MetadataNames.Length];

    /// <summary>The FireLens fields of the line being unwrapped.</summary>
    public ReadOnlyMemory<byte>[] FireLens { get; } = new ReadOnlyMemory<byte>[FireLensRecord.MetadataNames.Length];

    /// <summary>The record's metadata and the last field sets seen.</summary>
    public EntryMetadata Metadata { get; } = new();
}
