namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// Timestamps as AWS logs write them, read from UTF-8 bytes into Unix nanoseconds: no allocation, no exception, and no
/// floating point, so a fraction of a second is kept to the nanosecond it says.
/// </summary>
/// <remarks>
/// Every parser answers false for a time before 1970-01-01T00:00:00Z (or exactly it) or after 2262-04-11T23:47:16Z, the
/// last nanosecond a long holds: Loki has no use for either, and the caller stamps such a line with the object's time.
/// </remarks>
internal static class TimestampParser
{
    public const long NanosPerSecond = 1_000_000_000L;

    private const long SecondsPerDay = 86_400L;

    /// <summary>
    /// An ISO 8601 / RFC 3339 timestamp at the start of <paramref name="text"/>: <c>yyyy-MM-dd</c>, <c>T</c> or a space,
    /// <c>HH:mm:ss</c>, an optional fraction after <c>.</c> or <c>,</c> (log4j writes a comma), then <c>Z</c>, an offset
    /// (<c>+01:00</c>, <c>+0100</c>, <c>+01</c>) or nothing, which means UTC (NLB, MSK and CloudFront write no zone and mean UTC).
    /// </summary>
    /// <param name="consumed">How many bytes the timestamp takes, so the caller can check what follows it.</param>
    public static bool TryParseIso8601(ReadOnlySpan<byte> text, out long unixNanos, out int consumed)
    {
        unixNanos = 0;
        consumed = 0;
        if (text.Length < 19 || !TryParseDate(text[..10], out var days) || text[10] is not ((byte)'T' or (byte)'t' or (byte)' '))
        {
            return false;
        }

        if (!TryParseTimeOfDay(text[11..], out var secondOfDay, out var fractionNanos, out var timeLength))
        {
            return false;
        }

        var end = 11 + timeLength;
        long offsetSeconds = 0;
        if (end < text.Length)
        {
            if (text[end] is (byte)'Z' or (byte)'z')
            {
                end++;
            }
            else if (text[end] is (byte)'+' or (byte)'-' && TryParseOffset(text[end..], out offsetSeconds, out var offsetLength))
            {
                end += offsetLength;
            }

            // Anything else ends the timestamp without a zone ("2024-03-14 09:26:53 - message"); the caller judges it.
        }

        consumed = end;
        return TryCombine(days, secondOfDay - offsetSeconds, fractionNanos, out unixNanos);
    }

    /// <summary>A whole field that is an ISO 8601 / RFC 3339 timestamp, nothing before or after it.</summary>
    public static bool TryParseIso8601Exact(ReadOnlySpan<byte> field, out long unixNanos)
    {
        if (TryParseIso8601(field, out unixNanos, out var consumed) && consumed == field.Length)
        {
            return true;
        }

        unixNanos = 0;
        return false;
    }

    /// <summary><c>yyyy-MM-dd</c>, exactly, as days since 1970-01-01.</summary>
    public static bool TryParseDate(ReadOnlySpan<byte> text, out long daysSinceEpoch)
    {
        daysSinceEpoch = 0;
        if (text.Length != 10 || text[4] != (byte)'-' || text[7] != (byte)'-'
            || !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day)
            || month is < 1 or > 12 || day < 1 || day > DaysInMonth(year, month))
        {
            return false;
        }

        daysSinceEpoch = DaysFromCivil(year, month, day);
        return true;
    }

    /// <summary>
    /// <c>HH:mm:ss</c> and an optional fraction after <c>.</c> or <c>,</c> at the start of <paramref name="text"/>. Digits past
    /// the ninth are read and dropped: no log format is finer than a nanosecond.
    /// </summary>
    public static bool TryParseTimeOfDay(ReadOnlySpan<byte> text, out long secondOfDay, out long fractionNanos, out int consumed)
    {
        secondOfDay = 0;
        fractionNanos = 0;
        consumed = 0;
        if (text.Length < 8 || text[2] != (byte)':' || text[5] != (byte)':'
            || !TryDigits(text[..2], out var hour) || !TryDigits(text.Slice(3, 2), out var minute) || !TryDigits(text.Slice(6, 2), out var second)
            || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        // Second 60 is RFC 3339's leap second; it is read as the first second of the next minute.
        secondOfDay = (hour * 3600L) + (minute * 60L) + second;
        consumed = 8;
        if (text.Length > 9 && text[8] is (byte)'.' or (byte)',' && IsDigit(text[9]))
        {
            var i = 9;
            long scale = NanosPerSecond;
            while (i < text.Length && IsDigit(text[i]))
            {
                if (scale > 1)
                {
                    scale /= 10;
                    fractionNanos += (text[i] - '0') * scale;
                }

                i++;
            }

            consumed = i;
        }

        return true;
    }

    /// <summary>
    /// A Unix time written as digits with an optional fraction (<c>1700000000</c>, <c>1700000000.123456</c>) in
    /// <paramref name="unit"/>; <see cref="EpochUnit.ByMagnitude"/> tells the unit from the size of the whole part. Signs and
    /// exponents are not timestamps here.
    /// </summary>
    public static bool TryParseEpoch(ReadOnlySpan<byte> number, EpochUnit unit, out long unixNanos)
    {
        unixNanos = 0;
        var i = 0;
        ulong whole = 0;
        while (i < number.Length && IsDigit(number[i]))
        {
            if (whole > (ulong.MaxValue - 9) / 10)
            {
                return false;
            }

            whole = (whole * 10) + (ulong)(number[i] - '0');
            i++;
        }

        if (i == 0)
        {
            return false;
        }

        var fraction = ReadOnlySpan<byte>.Empty;
        if (i < number.Length)
        {
            fraction = number[i] == (byte)'.' ? number[(i + 1)..] : [];
            if (fraction.IsEmpty || fraction.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
            {
                return false;
            }
        }

        if (unit == EpochUnit.ByMagnitude)
        {
            unit = UnitOf(whole);
        }

        var (scale, places) = unit switch
        {
            EpochUnit.Seconds => (NanosPerSecond, 9),
            EpochUnit.Milliseconds => (1_000_000L, 6),
            EpochUnit.Microseconds => (1_000L, 3),
            _ => (1L, 0),
        };

        long fractionNanos = 0;
        for (var k = 0; k < places; k++)
        {
            fractionNanos = (fractionNanos * 10) + (k < fraction.Length ? fraction[k] - '0' : 0);
        }

        if (whole > (ulong)((long.MaxValue - fractionNanos) / scale))
        {
            return false;
        }

        unixNanos = ((long)whole * scale) + fractionNanos;
        return unixNanos > 0;
    }

    /// <summary>
    /// The unit of a Unix time from its size: below 10^11 seconds (up to the year 5138), below 10^14 milliseconds, below
    /// 10^17 microseconds, nanoseconds above. Each boundary is where the smaller unit would mean a time after 5138 and the
    /// larger one a time before March 1973, so logs of any plausible date are read in the unit they were written in.
    /// </summary>
    public static EpochUnit UnitOf(ulong whole) => whole switch
    {
        < 100_000_000_000UL => EpochUnit.Seconds,
        < 100_000_000_000_000UL => EpochUnit.Milliseconds,
        < 100_000_000_000_000_000UL => EpochUnit.Microseconds,
        _ => EpochUnit.Nanoseconds,
    };

    /// <summary>
    /// The Common Log Format time S3 server access logs write between brackets, <c>06/Feb/2019:00:00:38 +0000</c>
    /// (exactly, brackets excluded), with its offset honoured.
    /// </summary>
    public static bool TryParseCommonLogTime(ReadOnlySpan<byte> text, out long unixNanos)
    {
        unixNanos = 0;
        if (text.Length != 26 || text[2] != (byte)'/' || text[6] != (byte)'/' || text[11] != (byte)':' || text[14] != (byte)':'
            || text[17] != (byte)':' || text[20] != (byte)' '
            || !TryDigits(text[..2], out var day) || !TryDigits(text.Slice(7, 4), out var year)
            || !TryParseTimeOfDay(text.Slice(12, 8), out var secondOfDay, out _, out _)
            || !TryParseOffset(text[21..], out var offsetSeconds, out var offsetLength) || offsetLength != 5)
        {
            return false;
        }

        var month = MonthOf(text.Slice(3, 3));
        if (month == 0 || day < 1 || day > DaysInMonth(year, month))
        {
            return false;
        }

        return TryCombine(DaysFromCivil(year, month, day), secondOfDay - offsetSeconds, 0, out unixNanos);
    }

    /// <summary>Days, seconds and nanoseconds into Unix nanoseconds, when the result is after 1970 and fits a long.</summary>
    public static bool TryCombine(long daysSinceEpoch, long secondOfDay, long fractionNanos, out long unixNanos)
    {
        unixNanos = 0;
        var seconds = (daysSinceEpoch * SecondsPerDay) + secondOfDay;
        if (seconds < 0 || seconds > (long.MaxValue - fractionNanos) / NanosPerSecond)
        {
            return false;
        }

        unixNanos = (seconds * NanosPerSecond) + fractionNanos;
        return unixNanos > 0;
    }

    /// <summary>Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).</summary>
    public static long DaysFromCivil(int year, int month, int day)
    {
        long y = month <= 2 ? year - 1 : year;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yearOfEra = y - (era * 400);
        var dayOfYear = ((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146_097) + dayOfEra - 719_468;
    }

    // +hh:mm, +hhmm or +hh (and the same with -): the seconds to subtract from a local time to get UTC.
    private static bool TryParseOffset(ReadOnlySpan<byte> text, out long offsetSeconds, out int consumed)
    {
        offsetSeconds = 0;
        consumed = 0;
        if (text.Length < 3 || !TryDigits(text.Slice(1, 2), out var hours) || hours > 23)
        {
            return false;
        }

        var minutes = 0;
        consumed = 3;
        if (text.Length >= 6 && text[3] == (byte)':' && TryDigits(text.Slice(4, 2), out minutes))
        {
            consumed = 6;
        }
        else if (text.Length >= 5 && TryDigits(text.Slice(3, 2), out minutes))
        {
            consumed = 5;
        }

        if (minutes > 59)
        {
            consumed = 0;
            return false;
        }

        offsetSeconds = ((hours * 3600L) + (minutes * 60L)) * (text[0] == (byte)'-' ? -1 : 1);
        return true;
    }

    private static int MonthOf(ReadOnlySpan<byte> name)
    {
        // Case-insensitive: ASCII letters differ from their capitals by 0x20 alone.
        var key = (name[0] | 0x20) << 16 | (name[1] | 0x20) << 8 | (name[2] | 0x20);
        return key switch
        {
            'j' << 16 | 'a' << 8 | 'n' => 1,
            'f' << 16 | 'e' << 8 | 'b' => 2,
            'm' << 16 | 'a' << 8 | 'r' => 3,
            'a' << 16 | 'p' << 8 | 'r' => 4,
            'm' << 16 | 'a' << 8 | 'y' => 5,
            'j' << 16 | 'u' << 8 | 'n' => 6,
            'j' << 16 | 'u' << 8 | 'l' => 7,
            'a' << 16 | 'u' << 8 | 'g' => 8,
            's' << 16 | 'e' << 8 | 'p' => 9,
            'o' << 16 | 'c' << 8 | 't' => 10,
            'n' << 16 | 'o' << 8 | 'v' => 11,
            'd' << 16 | 'e' << 8 | 'c' => 12,
            _ => 0,
        };
    }

    private static int DaysInMonth(int year, int month) => month switch
    {
        2 => year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            if (!IsDigit(b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    private static bool IsDigit(byte b) => b - (uint)'0' <= 9;
}
