using System.Globalization;
using System.Text;

namespace LokiShipper.Pipeline;

/// <summary>
/// Cuts lines longer than <c>MAX_LINE_SIZE</c> UTF-8 bytes so Loki (256 KiB limit in 3.x) stores them instead of
/// rejecting them. The kept prefix ends on a character boundary and is followed by a marker giving the original size;
/// the result is never longer than the limit.
/// </summary>
internal static class LineTruncation
{
    /// <summary>Room for the marker plus some of the line.</summary>
    public const int MinimumMaxLineSize = 128;

    public static string Marker(int originalBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"…[truncated by LokiShipper, {originalBytes} bytes]");

    /// <summary>Returns the line unchanged when it fits, else its truncated form (a new buffer).</summary>
    public static ReadOnlyMemory<byte> Truncate(ReadOnlyMemory<byte> line, int maxBytes, out bool truncated)
    {
        if (maxBytes <= 0 || line.Length <= maxBytes)
        {
            truncated = false;
            return line;
        }

        truncated = true;
        var marker = Encoding.UTF8.GetBytes(Marker(line.Length));
        var budget = maxBytes - marker.Length;

        // Cut on a character boundary: step back over UTF-8 continuation bytes (10xxxxxx).
        var kept = budget;
        var bytes = line.Span;
        while (kept > 0 && (bytes[kept] & 0xC0) == 0x80)
        {
            kept--;
        }

        var result = new byte[kept + marker.Length];
        bytes[..kept].CopyTo(result);
        marker.CopyTo(result.AsSpan(kept));
        return result;
    }
}
