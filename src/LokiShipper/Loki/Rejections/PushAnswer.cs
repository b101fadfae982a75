namespace LokiShipper.Loki.Rejections;

/// <summary>Loki's final answer to one request: stored (2xx), or a 400 with its body.</summary>
/// <param name="SentAtNs">When the request was sent, Unix ns (the reference for the limits Loki applied).</param>
internal sealed record PushAnswer(bool Stored, string Body, long SentAtNs);
