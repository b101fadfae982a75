using System.Text;
using LokiShipper.Pipeline;

namespace LokiShipper.Tests.Pipeline;

public class LineTruncationTests
{
    private static string Cut(string line, int maxBytes, out bool truncated) =>
        Encoding.UTF8.GetString(LineTruncation.Truncate(Encoding.UTF8.GetBytes(line), maxBytes, out truncated).Span);

    [Fact]
    public void A_line_within_the_limit_is_kept_verbatim_without_a_copy()
    {
        ReadOnlyMemory<byte> line = Encoding.UTF8.GetBytes("  spaces and\ttabs kept \n");

        var result = LineTruncation.Truncate(line, 128, out var truncated);

        Assert.True(result.Equals(line)); // the same bytes, not a copy
        Assert.False(truncated);
    }

    [Fact]
    public void A_longer_line_is_cut_to_the_limit_with_a_marker()
    {
        var result = Cut(new string('a', 1000), 200, out var truncated);

        Assert.True(truncated);
        Assert.Equal(200, Encoding.UTF8.GetByteCount(result));
        Assert.EndsWith("…[truncated by LokiShipper, 1000 bytes]", result);
        Assert.StartsWith(new string('a', 150), result);
    }

    [Fact]
    public void The_cut_never_splits_a_character()
    {
        var line = string.Concat(Enumerable.Repeat("🚀ü", 100)); // 600 bytes

        var result = Cut(line, 150, out _);

        Assert.True(Encoding.UTF8.GetByteCount(result) <= 150);
        Assert.DoesNotContain('\uFFFD', result);
        Assert.StartsWith(result[..result.IndexOf('…', StringComparison.Ordinal)], line, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_means_no_limit()
    {
        ReadOnlyMemory<byte> line = new byte[1_000_000];

        Assert.True(LineTruncation.Truncate(line, 0, out var truncated).Equals(line));
        Assert.False(truncated);
    }
}
