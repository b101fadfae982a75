namespace LokiShipper.Runtime;

/// <summary>One event from <c>invocation/next</c>.</summary>
internal sealed record Invocation(byte[] Payload, InvocationContext Context);
