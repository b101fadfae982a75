namespace LokiShipper.Sources.S3.Formats;

/// <summary>One event of a CloudTrail log file.</summary>
/// <param name="Index">Its position in <c>Records</c>, from 0.</param>
/// <param name="Json">The record's JSON as the file has it (whitespace and escapes included). It lives in the reader's
/// buffer: valid until the next record is read; copy it to keep it.</param>
/// <param name="TimestampNs">Its <c>eventTime</c> in Unix nanoseconds, or 0 when it has none (the caller uses the object's
/// LastModified).</param>
internal readonly record struct CloudTrailRecord(int Index, ReadOnlyMemory<byte> Json, long TimestampNs)
{
    public bool HasTimestamp => TimestampNs > 0;
}
