using System.Net;
using System.Numerics;
using System.Net.Sockets;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>ipv6</c>: a run of hex digits, ':' and '.' (for <c>::ffff:192.0.2.1</c>) that holds "::" or eight groups (seven
/// colons), stands alone (no letter, digit or '_' either side), and that <see cref="IPAddress.TryParse(ReadOnlySpan{byte}, out IPAddress?)"/>
/// reads as IPv6. So times (<c>10:04:31</c>), MAC addresses (six groups), UUIDs (no colons) and ARNs
/// (<c>arn:aws:iam::123456789012:role/x</c>: the "::" follows a letter) are not addresses.
/// </summary>
internal static class Ipv6Scanner
{
    /// <summary>The longest text form of an IPv6 address (with an IPv4 tail).</summary>
    private const int MaxLength = 45;

    public static void Scan(ReadOnlySpan<byte> line, in LineMap map, ref HitList hits)
    {
        // Cheap refusal first: an address has "::" or at least seven colons.
        var doubleColon = false;
        for (var word = 0; word < map.Colons.Length && !doubleColon; word++)
        {
            doubleColon = (map.Colons[word] & LineMap.Ahead(map.Colons, word, 1)) != 0;
        }

        if (!doubleColon && LineMap.PopCount(map.Colons) < 7)
        {
            return;
        }

        var from = 0;
        for (var word = 0; word < map.Colons.Length; word++)
        {
            for (var bits = map.Colons[word]; bits != 0; bits &= bits - 1)
            {
                var colon = (word * 64) + BitOperations.TrailingZeroCount(bits);
                if (colon < from)
                {
                    continue;
                }

                var start = colon;
                while (start > 0 && IsRunByte(line[start - 1]))
                {
                    start--;
                }

                var end = colon + 1;
                while (end < line.Length && IsRunByte(line[end]))
                {
                    end++;
                }

                from = end;
                if (Trim(line, ref start, ref end) && IsAddress(line[start..end]) && LineBytes.StartsWord(line, start) && LineBytes.EndsWord(line, end))
                {
                    hits.TryAdd(start, end, RedactionRule.Ipv6);
                }
            }
        }
    }

    private static bool IsRunByte(byte b) => LineBytes.IsHexDigit(b) || b is (byte)':' or (byte)'.';

    /// <summary>
    /// Drops what punctuation around an address adds: a single ':' before (<c>addr:2001:db8::1</c>) or after
    /// (<c>2001:db8::1: refused</c>) and dots (end of a sentence). "::" at either end is part of the address.
    /// </summary>
    private static bool Trim(ReadOnlySpan<byte> line, ref int start, ref int end)
    {
        while (start < end && line[start] == '.')
        {
            start++;
        }

        while (end > start && line[end - 1] == '.')
        {
            end--;
        }

        if (end - start >= 2 && line[start] == ':' && line[start + 1] != ':')
        {
            start++;
        }

        if (end - start >= 2 && line[end - 1] == ':' && line[end - 2] != ':')
        {
            end--;
        }

        return end - start is >= 3 and <= MaxLength;
    }

    private static bool IsAddress(ReadOnlySpan<byte> run)
    {
        var colons = run.Count((byte)':');
        if (colons > 7 || (colons < 7 && run.IndexOf("::"u8) < 0) || run.IndexOfAnyExcept((byte)':', (byte)'.') < 0)
        {
            return false;
        }

        return IPAddress.TryParse(run, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }
}
