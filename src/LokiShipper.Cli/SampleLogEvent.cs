namespace LokiShipper.Cli;

/// <summary>One log event to put into a generated subscription event.</summary>
internal readonly record struct SampleLogEvent(long TimestampMs, string Message);
