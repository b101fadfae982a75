namespace LokiShipper.Sources.S3.Formats;

/// <summary>The unit of a Unix time written as a number.</summary>
internal enum EpochUnit
{
    Seconds,
    Milliseconds,
    Microseconds,
    Nanoseconds,

    /// <summary>Told from the number's size (<see cref="TimestampParser.UnitOf"/>), for logs that do not say.</summary>
    ByMagnitude,
}
