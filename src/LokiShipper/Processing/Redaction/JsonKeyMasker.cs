using System.Buffers;
using System.Text;
using System.Text.Json;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>MASK_JSON_KEYS</c>: in a line that is one JSON object, the value of every property whose name a key matches,
/// at any depth and inside arrays, becomes <c>"[REDACTED]"</c>, whatever its type (a null stays null: it hides
/// nothing, and masking it would say a value was there). The rest of the line is kept byte for byte (spaces,
/// escapes, number forms, property order): Utf8JsonReader finds where each masked value starts and ends, and only
/// those bytes are replaced. A line that is not valid JSON is left as it is, for the other rules.
/// </summary>
internal sealed class JsonKeyMasker
{
    private const int StackNameBytes = 256;

    /// <summary>Longest line widened on the stack for the search before parsing; a longer one rents its buffer.</summary>
    private const int StackChars = 1024;

    private readonly MaskedKey[] _keys;
    private readonly SearchValues<string> _cores;

    public JsonKeyMasker(IReadOnlyList<MaskedKey> keys)
    {
        _keys = [.. keys];
        // Searched for in the line widened byte for byte (Latin-1), so a key beyond ASCII is searched as its UTF-8 bytes.
        _cores = SearchValues.Create(keys.Select(key => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(key.Core))).ToArray(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The line with the values masked, or null when it is not a JSON object or nothing in it is masked.</summary>
    public byte[]? Mask(ReadOnlySpan<byte> line)
    {
        var first = line.IndexOfAnyExcept(" \t\r\n"u8);
        if (first < 0 || line[first] != '{' || !MayNameAKey(line))
        {
            return null;
        }

        var hits = new HitList(stackalloc Hit[8]);
        try
        {
            var reader = new Utf8JsonReader(line);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || !IsMasked(ref reader))
                {
                    continue;
                }

                reader.Read();
                var start = (int)reader.TokenStartIndex;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }

                if (reader.TokenType != JsonTokenType.Null)
                {
                    hits.TryAdd(start, (int)reader.BytesConsumed, RedactionRule.None);
                }
            }

            return hits.Count == 0 ? null : hits.Rewrite(line, "\"[REDACTED]\""u8);
        }
        catch (JsonException)
        {
            return null; // not JSON after all: the other rules still see it
        }
        finally
        {
            hits.Dispose();
        }
    }

    /// <summary>
    /// Cheap refusal before parsing: a line can only name a key if it holds the key's text (in any case), or if it has
    /// a <c>\u</c> escape that may spell it. The search is SearchValues' vectorised multi-string search, on the line
    /// widened byte for byte to UTF-16 (Latin-1: cheaper than decoding UTF-8, and enough to find UTF-8 text).
    /// </summary>
    private bool MayNameAKey(ReadOnlySpan<byte> line)
    {
        if (line.IndexOf("\\u"u8) >= 0)
        {
            return true;
        }

        var rented = line.Length > StackChars ? ArrayPool<char>.Shared.Rent(line.Length) : null;
        try
        {
            Span<char> chars = rented ?? stackalloc char[line.Length];
            return chars[..Encoding.Latin1.GetChars(line, chars)].IndexOfAny(_cores) >= 0;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private bool IsMasked(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return IsMasked(reader.ValueSpan);
        }

        var rented = reader.ValueSpan.Length > StackNameBytes ? ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length) : null;
        try
        {
            Span<byte> name = rented ?? stackalloc byte[StackNameBytes];
            return IsMasked(name[..reader.CopyString(name)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private bool IsMasked(ReadOnlySpan<byte> name)
    {
        foreach (var key in _keys)
        {
            if (key.Matches(name))
            {
                return true;
            }
        }

        return false;
    }
}
