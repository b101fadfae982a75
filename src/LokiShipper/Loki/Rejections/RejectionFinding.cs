namespace LokiShipper.Loki.Rejections;

/// <summary>One error a 400 body states.</summary>
/// <param name="Kind">What was refused.</param>
/// <param name="Reason">The summary's key for it (<c>too_old</c>, <c>invalid_labels</c>, …).</param>
/// <param name="Stream">The stream as Loki printed it (<c>{a="1", b="2"}</c>, possibly with labels Loki added), or null.</param>
/// <param name="Count">How many errors Loki says are like this one (Loki 3's <c>N errors like:</c>, or the ingester's total), or null when the body does not say.</param>
/// <param name="CutoffNs">The oldest acceptable timestamp Loki quotes, in ns (whole seconds: Loki prints RFC 3339), or null.</param>
/// <param name="EntryNs">The refused entry's timestamp as Loki prints it (whole seconds), or null.</param>
/// <param name="MaxLineBytes">Loki's maximum line size, for <see cref="RejectionKind.LineTooLong"/>.</param>
/// <param name="StreamEntries">For the ingester's total (<c>N out of M</c>): M, the stream's entries that reached the ingester.</param>
/// <param name="Text">Loki's words, for the log.</param>
internal sealed record RejectionFinding(
    RejectionKind Kind,
    string Reason,
    string? Stream,
    int? Count,
    long? CutoffNs,
    long? EntryNs,
    long? MaxLineBytes,
    int? StreamEntries,
    string Text);
