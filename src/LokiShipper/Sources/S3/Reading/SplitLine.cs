namespace LokiShipper.Sources.S3.Reading;

/// <summary>One line as <see cref="LineSplitter"/> read it: valid UTF-8, without its line ending.</summary>
/// <remarks>
/// <see cref="Utf8"/> points into the splitter's pooled buffers, so reading a line costs no allocation; the price is
/// that it is valid only until the next <see cref="LineSplitter.ReadLineAsync"/>: copy what is kept.
/// </remarks>
internal readonly struct SplitLine
{
    public SplitLine(ReadOnlyMemory<byte> utf8, bool truncated, long originalLength)
    {
        Utf8 = utf8;
        Truncated = truncated;
        OriginalLength = originalLength;
    }

    /// <summary>The line as UTF-8 (invalid sequences already replaced by U+FFFD); when truncated, its kept start followed by the marker.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>The line was longer than the limit and was cut (the marker of <c>LineTruncation</c> is part of <see cref="Utf8"/>).</summary>
    public bool Truncated { get; }

    /// <summary>The line's length in the object, in bytes, without its line ending.</summary>
    public long OriginalLength { get; }
}
