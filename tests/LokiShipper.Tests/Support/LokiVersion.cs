namespace LokiShipper.Tests.Support;

/// <summary>Whose words the in-process receiver answers a 400 in.</summary>
public enum LokiVersion
{
    /// <summary>Loki 2.7.5: the last validation error alone.</summary>
    Loki2,

    /// <summary>Loki 3.4.6: every distinct error with its count (<c>N errors like: …</c>), or the only one alone.</summary>
    Loki3,
}
