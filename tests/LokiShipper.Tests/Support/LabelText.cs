using System.Globalization;
using System.Text;

namespace LokiShipper.Tests.Support;

/// <summary>
/// Parses Prometheus-form label text <c>{a="1", b="x\"y"}</c> with Go string escapes, as Loki does on receipt.
/// Written independently of the code under test, to check what it produces.
/// </summary>
public static class LabelText
{
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        Expect(text, ref i, '{');
        SkipSpaces(text, ref i);
        while (text[i] != '}')
        {
            var start = i;
            while (text[i] != '=')
            {
                i++;
            }

            var name = text[start..i].Trim();
            i++;
            var value = ReadQuoted(text, ref i);
            if (!result.TryAdd(name, value))
            {
                throw new FormatException($"duplicate label name {name} in {text}");
            }

            SkipSpaces(text, ref i);
            if (text[i] == ',')
            {
                i++;
                SkipSpaces(text, ref i);
            }
        }

        return result;
    }

    private static string ReadQuoted(string text, ref int i)
    {
        Expect(text, ref i, '"');
        var bytes = new List<byte>();
        while (text[i] != '"')
        {
            if (text[i] != '\\')
            {
                var rune = Rune.GetRuneAt(text, i);
                bytes.AddRange(Encoding.UTF8.GetBytes(rune.ToString()));
                i += rune.Utf16SequenceLength;
                continue;
            }

            i++;
            var c = text[i++];
            switch (c)
            {
                case '"': bytes.Add((byte)'"'); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case 'n': bytes.Add((byte)'\n'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'v': bytes.Add(11); break;
                case 'x':
                    bytes.Add(byte.Parse(text.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                case 'u':
                case 'U':
                    var len = c == 'u' ? 4 : 8;
                    var code = int.Parse(text.AsSpan(i, len), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    bytes.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32(code)));
                    i += len;
                    break;
                default:
                    throw new FormatException($"unknown escape \\{c} in {text}");
            }
        }

        i++;
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static void Expect(string text, ref int i, char c)
    {
        if (text[i] != c)
        {
            throw new FormatException($"expected '{c}' at {i} in {text}");
        }

        i++;
    }

    private static void SkipSpaces(string text, ref int i)
    {
        while (text[i] == ' ')
        {
            i++;
        }
    }
}
