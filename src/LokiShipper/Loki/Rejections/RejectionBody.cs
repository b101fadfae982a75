namespace LokiShipper.Loki.Rejections;

/// <summary>What a 400 body from Loki says: its shape and the errors it states.</summary>
internal sealed record RejectionBody(RejectionBodyShape Shape, IReadOnlyList<RejectionFinding> Findings, string Text)
{
    public bool IsValidation => Shape != RejectionBodyShape.NotValidation;

    /// <summary>The first error, shortened, for the log.</summary>
    public string FirstError => Findings.Count > 0 ? Shorten(Findings[0].Text) : Shorten(Text);

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
