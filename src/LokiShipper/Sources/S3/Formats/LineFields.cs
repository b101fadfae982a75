namespace LokiShipper.Sources.S3.Formats;

/// <summary>Fields of a delimited log line, found without splitting it into strings.</summary>
internal static class LineFields
{
    /// <summary>
    /// The line without what surrounds its content: a UTF-8 byte order mark, the carriage return of a CRLF file, and
    /// spaces or tabs at either end.
    /// </summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("\uFEFF"u8))
        {
            line = line[3..];
        }

        return line.Trim(" \t\r\n"u8);
    }

    /// <summary>
    /// The field at <paramref name="index"/> (from 0) of a line whose fields are separated by runs of spaces: AWS writes
    /// one, but a run must not shift every field after it.
    /// </summary>
    public static bool TryGetSpaced(ReadOnlySpan<byte> line, int index, out ReadOnlySpan<byte> field)
    {
        var rest = line.TrimStart((byte)' ');
        for (var i = 0; i < index; i++)
        {
            var space = rest.IndexOf((byte)' ');
            if (space < 0)
            {
                field = default;
                return false;
            }

            rest = rest[space..].TrimStart((byte)' ');
        }

        var end = rest.IndexOf((byte)' ');
        field = end < 0 ? rest : rest[..end];
        return !field.IsEmpty;
    }

    /// <summary>The field at <paramref name="index"/> (from 0) of a line whose fields are separated by one tab each.</summary>
    public static bool TryGetTabbed(ReadOnlySpan<byte> line, int index, out ReadOnlySpan<byte> field)
    {
        var rest = line;
        for (var i = 0; i < index; i++)
        {
            var tab = rest.IndexOf((byte)'\t');
            if (tab < 0)
            {
                field = default;
                return false;
            }

            rest = rest[(tab + 1)..];
        }

        var end = rest.IndexOf((byte)'\t');
        field = end < 0 ? rest : rest[..end];
        return !field.IsEmpty;
    }

    /// <summary>The position of <paramref name="name"/> among the space-separated names of a header line, or -1.</summary>
    public static int IndexOfName(ReadOnlySpan<byte> header, ReadOnlySpan<byte> name)
    {
        var index = 0;
        foreach (var range in header.Split((byte)' '))
        {
            var token = header[range];
            if (token.IsEmpty)
            {
                continue;
            }

            if (token.SequenceEqual(name))
            {
                return index;
            }

            index++;
        }

        return -1;
    }
}
