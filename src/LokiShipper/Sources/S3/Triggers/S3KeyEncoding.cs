using System.Text;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources.S3.Triggers;

/// <summary>
/// Object keys as S3 event notifications write them: form-URL-encoded (<c>red flower.jpg</c> arrives as
/// <c>red+flower.jpg</c>, a literal plus as <c>%2B</c>, other bytes of the UTF-8 key as <c>%XX</c>).
/// </summary>
internal static class S3KeyEncoding
{
    // Strict, so a key whose escapes do not spell UTF-8 is an error rather than a key with U+FFFD in it: such a key
    // names no object, and reading it would fail later with a less useful message.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The key as stored; errors name it as <paramref name="prefix"/> + <paramref name="name"/>.</summary>
    /// <exception cref="InvalidEventException">A <c>%</c> without two hex digits, or escapes that are not UTF-8.</exception>
    public static string Decode(string encoded, string prefix, string name)
    {
        if (encoded.AsSpan().IndexOfAny('+', '%') < 0)
        {
            return encoded;
        }

        // Work on the UTF-8 bytes: '+', '%' and hex digits are ASCII, and no byte of a multi-byte UTF-8 sequence is,
        // so unescaped non-ASCII characters pass through unchanged. Each input byte is read once, so the '+' that
        // %2B decodes to stays a plus. The output is never longer than the input, so it is written in place.
        var bytes = Encoding.UTF8.GetBytes(encoded);
        var length = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == (byte)'+')
            {
                b = (byte)' ';
            }
            else if (b == (byte)'%')
            {
                var high = i + 1 < bytes.Length ? HexValue(bytes[i + 1]) : -1;
                var low = i + 2 < bytes.Length ? HexValue(bytes[i + 2]) : -1;
                if (high < 0 || low < 0)
                {
                    throw new InvalidEventException($"{prefix}{name} is not URL-encoded as S3 sends keys: the \"%\" at byte {i} is not followed by two hex digits");
                }

                b = (byte)((high << 4) | low);
                i += 2;
            }

            bytes[length++] = b;
        }

        try
        {
            return StrictUtf8.GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidEventException($"{prefix}{name} decodes to bytes that are not UTF-8 text", ex);
        }
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
