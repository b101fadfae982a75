using LokiShipper.Loki;

namespace LokiShipper.Pipeline;

/// <summary>What one push request became: Loki's answer, or why it failed.</summary>
internal readonly record struct BatchOutcome(PushBatch Batch, PushResult? Result, PushFailedException? Failure);
