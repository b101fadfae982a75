using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

/// <summary>The real sample logs in TestData/s3 (see the README there for where each comes from), line by line.</summary>
internal static class S3Samples
{
    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "TestData", "s3", file);

    /// <summary>The file's lines as bytes, without their line feeds (carriage returns kept, as a reader would hand them over).</summary>
    public static IReadOnlyList<byte[]> Lines(string file)
    {
        var bytes = File.ReadAllBytes(PathOf(file));
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        if (start < bytes.Length)
        {
            lines.Add(bytes[start..]);
        }

        return lines;
    }

    /// <summary>Each line of the file as one fresh reader of <paramref name="format"/> reads it.</summary>
    public static IReadOnlyList<(LineKind Kind, long TimestampNs)> Read(S3LogFormat format, string file) =>
        Read(LineFormats.Create(format), Lines(file));

    public static IReadOnlyList<(LineKind Kind, long TimestampNs)> Read(ILineFormat reader, IEnumerable<byte[]> lines) =>
        lines.Select(line => (reader.Read(line, out var timestamp), timestamp)).ToList();

    /// <summary>One line of text as a fresh reader of <paramref name="format"/> reads it.</summary>
    public static (LineKind Kind, long TimestampNs) ReadOne(S3LogFormat format, string line)
    {
        var kind = LineFormats.Create(format).Read(System.Text.Encoding.UTF8.GetBytes(line), out var timestamp);
        return (kind, timestamp);
    }
}
