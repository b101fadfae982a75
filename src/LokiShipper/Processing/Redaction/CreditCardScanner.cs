using System.Numerics;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>credit_card</c>: 13–19 digits, written together or in groups joined by single spaces or single dashes (one kind
/// per number, the first group of four: <c>4111 1111 1111 1111</c>, <c>3782-822463-10005</c>), standing alone, whose
/// leading digits and length are a card network's and whose last digit is the Luhn check digit:
/// Visa 4 (13, 16, 19 digits), Mastercard 51–55 and 2221–2720 (16), American Express 34, 37 (15), Discover 6011, 65,
/// 644–649 (16–19), JCB 3528–3589 (16–19), Diners Club 36, 38, 300–305 (14–19).
/// Nothing starting with 1 is a card, so epoch milliseconds are not; 12-digit AWS account ids are too short, and a
/// <c>2026…</c> date stamp is no network's prefix. A number standing as a JSON value is replaced by a JSON string.
/// </summary>
internal static class CreditCardScanner
{
    private const int MinDigits = 13;
    private const int MaxDigits = 19;

    public static void Scan(ReadOnlySpan<byte> line, in LineMap map, ref HitList hits)
    {
        // Every card number starts a run of at least four digits (a group of four, or all 13-19 together).
        var digits = map.Digits;
        var from = 0;
        for (var word = 0; word < digits.Length; word++)
        {
            var runsOfFour = digits[word] & ~LineMap.Previous(digits, word) & LineMap.Ahead(digits, word, 1) & LineMap.Ahead(digits, word, 2) & LineMap.Ahead(digits, word, 3);
            for (var bits = runsOfFour; bits != 0; bits &= bits - 1)
            {
                var start = (word * 64) + BitOperations.TrailingZeroCount(bits);
                if (start < from || line[start] is < (byte)'2' or > (byte)'6' || (start > 0 && line[start - 1] == '.') || !LineBytes.StartsWord(line, start))
                {
                    continue;
                }

                var end = CardEnd(line, start);
                if (end > 0 && hits.TryAdd(start, end, RedactionRule.CreditCard, IsBareJsonNumber(line, start, end)))
                {
                    from = end;
                }
            }
        }
    }

    /// <summary>The end of the longest card number starting at <paramref name="start"/>, or -1.</summary>
    private static int CardEnd(ReadOnlySpan<byte> line, int start)
    {
        Span<byte> digits = stackalloc byte[MaxDigits];
        var p = start;
        while (p < line.Length && LineBytes.IsDigit(line[p]))
        {
            p++;
        }

        var first = p - start;
        if (first >= MinDigits)
        {
            return first <= MaxDigits && StandsAlone(line, p) && IsCard(line[start..p]) ? p : -1;
        }

        if (first != 4)
        {
            return -1;
        }

        line.Slice(start, 4).CopyTo(digits);
        var count = 4;
        byte separator = 0;
        var best = -1;
        while (p + 1 < line.Length && line[p] is (byte)' ' or (byte)'-' && (separator == 0 || line[p] == separator) && LineBytes.IsDigit(line[p + 1]))
        {
            separator = line[p];
            var groupStart = p + 1;
            var groupEnd = groupStart;
            while (groupEnd < line.Length && LineBytes.IsDigit(line[groupEnd]))
            {
                groupEnd++;
            }

            var group = groupEnd - groupStart;
            if (group is < 3 or > 6 || count + group > MaxDigits)
            {
                break;
            }

            line[groupStart..groupEnd].CopyTo(digits[count..]);
            count += group;
            p = groupEnd;
            if (count >= MinDigits && StandsAlone(line, p) && IsCard(digits[..count]))
            {
                best = p;
            }
        }

        return best;
    }

    /// <summary>
    /// True for digits standing as a value in a JSON line (<c>{"card":4111111111111111}</c>): the replacement is then
    /// quoted, or the line would no longer be JSON.
    /// </summary>
    private static bool IsBareJsonNumber(ReadOnlySpan<byte> line, int start, int end)
    {
        var first = line.IndexOfAnyExcept(" \t\r\n"u8);
        if (line[first] is not ((byte)'{' or (byte)'[') || line[start..end].IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return false;
        }

        var before = line[..start].LastIndexOfAnyExcept(" \t\r\n"u8);
        var after = line[end..].IndexOfAnyExcept(" \t\r\n"u8);
        return before >= 0 && line[before] is (byte)':' or (byte)'[' or (byte)','
            && (after < 0 || line[end + after] is (byte)',' or (byte)'}' or (byte)']');
    }

    /// <summary>Nothing word-like after the number, and no decimal point with digits after it.</summary>
    private static bool StandsAlone(ReadOnlySpan<byte> line, int end) =>
        LineBytes.EndsWord(line, end) && !(end + 1 < line.Length && line[end] == '.' && LineBytes.IsDigit(line[end + 1]));

    private static bool IsCard(ReadOnlySpan<byte> digits) => IsNetwork(digits) && PassesLuhn(digits);

    private static bool IsNetwork(ReadOnlySpan<byte> digits)
    {
        var length = digits.Length;
        var two = ((digits[0] - '0') * 10) + (digits[1] - '0');
        var three = (two * 10) + (digits[2] - '0');
        var four = (three * 10) + (digits[3] - '0');
        return digits[0] switch
        {
            (byte)'4' => length is 13 or 16 or 19, // Visa
            _ when two is >= 51 and <= 55 || four is >= 2221 and <= 2720 => length == 16, // Mastercard
            _ when two is 34 or 37 => length == 15, // American Express
            _ when four == 6011 || two == 65 || three is >= 644 and <= 649 => length is >= 16 and <= 19, // Discover
            _ when four is >= 3528 and <= 3589 => length is >= 16 and <= 19, // JCB
            _ when two is 36 or 38 || three is >= 300 and <= 305 => length is >= 14 and <= 19, // Diners Club
            _ => false,
        };
    }

    private static bool PassesLuhn(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var digit = digits[i] - '0';
            if (doubled)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }
}
