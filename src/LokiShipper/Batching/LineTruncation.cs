using System.Globalization;
using System.Text;

namespace LokiShipper.Batching;

/// <summary>
/// Cuts lines longer than <c>MAX_LINE_SIZE</c> UTF-8 bytes so Loki (256 KiB limit in 3.x) stores them instead of
/// rejecting them. The kept prefix ends on a character boundary and is followed by a marker giving the original size;
/// the result is never longer than the limit.
/// </summary>
public static class LineTruncation
{
    /// <summary>Room for the marker plus some of the line.</summary>
    public const int MinimumMaxLineSize = 128;

    public static string Marker(int originalBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"…[truncated by LokiShipper, {originalBytes} bytes]");

    /// <summary>Returns the line unchanged when it fits, else its truncated form.</summary>
    public static string Truncate(string line, int lineBytes, int maxBytes, out bool truncated)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (maxBytes <= 0 || lineBytes <= maxBytes)
        {
            truncated = false;
            return line;
        }

        truncated = true;
        var marker = Marker(lineBytes);
        var budget = maxBytes - Encoding.UTF8.GetByteCount(marker);
        var kept = 0;
        var keptBytes = 0;
        while (kept < line.Length)
        {
            var charCount = char.IsHighSurrogate(line[kept]) && kept + 1 < line.Length && char.IsLowSurrogate(line[kept + 1]) ? 2 : 1;
            var bytes = Encoding.UTF8.GetByteCount(line.AsSpan(kept, charCount));
            if (keptBytes + bytes > budget)
            {
                break;
            }

            keptBytes += bytes;
            kept += charCount;
        }

        return string.Concat(line.AsSpan(0, kept), marker);
    }
}
