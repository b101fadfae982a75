using LokiShipper.Pipeline;

namespace LokiShipper.Sources.Sqs;

/// <summary>Messages that failed, each with why, and return to the queue.</summary>
internal sealed record MessagesReturned(IReadOnlyList<(string MessageId, InvocationError Error)> Failed, int Messages) : InvocationError
{
    public override string Type => "BatchItemFailures";

    public override string Message =>
        $"{Failed.Count} of {Messages} messages failed and return to the queue: {string.Join(" | ", Failed.Select(f => $"message {f.MessageId}: {f.Error.Message}"))}";
}
