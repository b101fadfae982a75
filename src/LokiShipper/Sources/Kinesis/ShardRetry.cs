using LokiShipper.Pipeline;

namespace LokiShipper.Sources.Kinesis;

/// <summary>Lambda retries the shard from this record: the first (in shard order) with an entry not delivered.</summary>
internal sealed record ShardRetry(int Index, string SequenceNumber, int Records, PushFailure Failure) : InvocationError
{
    public override string Type => "BatchItemFailures";

    public override string Message => $"Lambda retries the shard from record {Index} (sequenceNumber {SequenceNumber}) of {Records}: {Failure.Message}";
}
