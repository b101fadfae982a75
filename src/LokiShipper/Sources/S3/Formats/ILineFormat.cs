namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// Reads the timestamp of each line of one S3 object. Stateful (a header names the fields of the lines after it), so
/// one instance reads one object, its lines in order. <see cref="LineFormats.Create"/> makes the one a format needs.
/// </summary>
internal interface ILineFormat
{
    /// <summary>What <paramref name="line"/> is; never throws, whatever the bytes.</summary>
    /// <param name="line">One line as UTF-8, without its line feed (a trailing carriage return is ignored).</param>
    /// <param name="timestampNs">Unix nanoseconds when the answer is <see cref="LineKind.Entry"/>, otherwise 0.</param>
    LineKind Read(ReadOnlySpan<byte> line, out long timestampNs);
}
