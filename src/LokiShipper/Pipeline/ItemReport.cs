namespace LokiShipper.Pipeline;

/// <summary>A source's answer to what became of its items.</summary>
/// <param name="BatchItemFailures">
/// The item ids Lambda is to retry (SQS message ids, the first Kinesis sequence number not delivered); null when the
/// event has no partial-failure protocol, and then any error fails the whole invocation.
/// </param>
/// <param name="Errors">What went wrong, for the summary (and the failed invocation); empty when nothing did.</param>
internal sealed record ItemReport(IReadOnlyList<string>? BatchItemFailures, IReadOnlyList<InvocationError> Errors);
