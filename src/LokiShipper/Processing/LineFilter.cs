using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace LokiShipper.Processing;

/// <summary>
/// <c>INCLUDE_PATTERN</c> and <c>EXCLUDE_PATTERN</c>: a line is shipped when it matches the include pattern (if any)
/// and not the exclude pattern; exclude wins. Matched on the line as text (after FireLens unwrapping).
/// </summary>
internal sealed class LineFilter
{
    public const string Excluded = "excluded";
    public const string NotIncluded = "not_included";

    private readonly Regex? _include;
    private readonly Regex? _exclude;

    public LineFilter(Regex? include, Regex? exclude)
    {
        _include = include;
        _exclude = exclude;
    }

    /// <summary>Why the line is dropped (<see cref="Excluded"/>, <see cref="NotIncluded"/>), or null to ship it.</summary>
    public string? DropReason(ReadOnlySpan<byte> utf8)
    {
        var rented = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        try
        {
            var text = rented.AsSpan(0, Encoding.UTF8.GetChars(utf8, rented));
            if (_exclude is not null && _exclude.IsMatch(text))
            {
                return Excluded;
            }

            return _include is not null && !_include.IsMatch(text) ? NotIncluded : null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }
}
