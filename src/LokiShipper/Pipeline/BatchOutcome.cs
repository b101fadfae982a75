using LokiShipper.Loki;

namespace LokiShipper.Pipeline;

/// <summary>What one push request became: Loki's answer, or why it failed.</summary>
/// <param name="Split">Refused as too large and sent again as two halves, whose outcomes follow: its entries are theirs.</param>
internal readonly record struct BatchOutcome(PushBatch Batch, PushResult? Result, PushFailedException? Failure, bool Split = false);
