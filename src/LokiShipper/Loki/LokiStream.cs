using LokiShipper.Labels;

namespace LokiShipper.Loki;

/// <summary>One Loki stream: a label set and its entries.</summary>
internal sealed record LokiStream(LabelSet Labels, IReadOnlyList<LokiEntry> Entries);
