namespace LokiShipper.Loki.Rejections;

/// <summary>How much a 400 body can say, which decides what must be verified.</summary>
internal enum RejectionBodyShape
{
    /// <summary>Not a validation error: Loki could not read the request and stored nothing.</summary>
    NotValidation,

    /// <summary>
    /// Loki 3's distributor: every distinct error with its count (<c>3 errors like: …; 1 errors like: …</c>). Complete
    /// for the distributor's checks; the ingester's refusals are not reported alongside.
    /// </summary>
    Grouped,

    /// <summary>
    /// One distributor message without a count: Loki 2 names only the last error it met, Loki 3 answers so when there
    /// was exactly one. Other refusals may be hidden.
    /// </summary>
    Single,

    /// <summary>The ingester's answer: refused entries and <c>total ignored: N out of M</c> for one stream (the last that failed).</summary>
    Ingester,
}
