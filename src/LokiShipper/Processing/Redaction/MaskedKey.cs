using System.Text;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// One entry of <c>MASK_JSON_KEYS</c>: a property name compared whole, ignoring the case of ASCII letters, or with
/// a leading and/or trailing '*' standing for any text (<c>*password</c> also matches <c>db_password</c>).
/// </summary>
internal sealed class MaskedKey
{
    private readonly byte[] _core;
    private readonly bool _anyBefore;
    private readonly bool _anyAfter;

    private MaskedKey(string core, bool anyBefore, bool anyAfter)
    {
        Core = core;
        _core = Encoding.UTF8.GetBytes(core.ToLowerInvariant());
        _anyBefore = anyBefore;
        _anyAfter = anyAfter;
    }

    /// <summary>The name without its wildcards: text a line must contain for the key to match in it.</summary>
    public string Core { get; }

    /// <summary>The key an entry describes, or null for one that is empty or has a '*' elsewhere than at its ends.</summary>
    public static MaskedKey? Parse(string entry)
    {
        var anyBefore = entry.StartsWith('*');
        var anyAfter = entry.Length > 1 && entry.EndsWith('*');
        var core = entry[(anyBefore ? 1 : 0)..(entry.Length - (anyAfter ? 1 : 0))];
        return core.Length == 0 || core.Contains('*', StringComparison.Ordinal) ? null : new MaskedKey(core, anyBefore, anyAfter);
    }

    /// <summary>True when the unescaped UTF-8 <paramref name="name"/> is one this key masks.</summary>
    public bool Matches(ReadOnlySpan<byte> name)
    {
        if (name.Length < _core.Length)
        {
            return false;
        }

        return (_anyBefore, _anyAfter) switch
        {
            (false, false) => name.Length == _core.Length && EqualsFolded(name, _core),
            (false, true) => EqualsFolded(name[.._core.Length], _core),
            (true, false) => EqualsFolded(name[^_core.Length..], _core),
            (true, true) => ContainsFolded(name, _core),
        };
    }

    /// <summary>Byte equality with ASCII letters of <paramref name="text"/> folded to lower case (<paramref name="lower"/> is folded already).</summary>
    private static bool EqualsFolded(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lower)
    {
        for (var i = 0; i < lower.Length; i++)
        {
            var b = text[i];
            if ((LineBytes.IsUpper(b) ? (byte)(b | 0x20) : b) != lower[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsFolded(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lower)
    {
        for (var i = 0; i + lower.Length <= text.Length; i++)
        {
            if (EqualsFolded(text[i..], lower))
            {
                return true;
            }
        }

        return false;
    }
}
