namespace LokiShipper.Sources.S3.Formats;

/// <summary>A top-level JSON property that may hold a line's timestamp, and the unit of its value when it is a number.</summary>
/// <param name="Name">The property name as UTF-8.</param>
/// <param name="Unit">The unit of a numeric value (or of a string of digits).</param>
internal readonly record struct JsonTimestampField(byte[] Name, EpochUnit Unit);
