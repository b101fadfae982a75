
namespace LokiShipper.Loki.Encoders;

/// <summary>Encode stage: turns a batch into one push request body.</summary>
internal interface IPushEncoder
{
    /// <param name="batch">The entries to send.</param>
    /// <param name="includeMetadata">Whether entries carry their structured metadata.</param>
    EncodedRequest Encode(PushBatch batch, bool includeMetadata);
}
