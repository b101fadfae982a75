using LokiShipper.Batching;

namespace LokiShipper.Encode;

/// <summary>Encode stage: turns a batch into one push request body.</summary>
public interface IPushEncoder
{
    /// <param name="batch">The entries to send.</param>
    /// <param name="includeMetadata">Whether entries carry their structured metadata.</param>
    EncodedRequest Encode(PushBatch batch, bool includeMetadata);
}
