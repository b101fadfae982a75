namespace LokiShipper.Processing.Lambda;

/// <summary>What a Lambda log line says about itself.</summary>
/// <param name="Level">The level as Loki 3 spells <c>detected_level</c> (<c>info</c>, <c>warn</c>, ...), or null.</param>
/// <param name="RequestId">The invocation's request id as UTF-8, or empty.</param>
/// <param name="IsPlatform">A line of the Lambda platform rather than the function: START, END, REPORT, INIT_START, <c>platform.*</c>.</param>
internal readonly ref struct LambdaLine(string? Level, ReadOnlySpan<byte> RequestId, bool IsPlatform)
{
    public string? Level { get; } = Level;

    public ReadOnlySpan<byte> RequestId { get; } = RequestId;

    public bool IsPlatform { get; } = IsPlatform;

    /// <summary>Not a line of a format Lambda writes.</summary>
    public bool IsUnknown => Level is null && RequestId.IsEmpty && !IsPlatform;
}
