using System.Text;
using LokiShipper.Batching;

namespace LokiShipper.Tests.Batching;

public class LineTruncationTests
{
    [Fact]
    public void A_line_within_the_limit_is_kept_verbatim()
    {
        var line = "  spaces and\ttabs kept \n";

        var result = LineTruncation.Truncate(line, Encoding.UTF8.GetByteCount(line), 128, out var truncated);

        Assert.Same(line, result);
        Assert.False(truncated);
    }

    [Fact]
    public void A_longer_line_is_cut_to_the_limit_with_a_marker()
    {
        var line = new string('a', 1000);

        var result = LineTruncation.Truncate(line, 1000, 200, out var truncated);

        Assert.True(truncated);
        Assert.Equal(200, Encoding.UTF8.GetByteCount(result));
        Assert.EndsWith("…[truncated by LokiShipper, 1000 bytes]", result);
        Assert.StartsWith(new string('a', 150), result);
    }

    [Fact]
    public void The_cut_never_splits_a_character()
    {
        var line = string.Concat(Enumerable.Repeat("🚀ü", 100)); // 600 bytes

        var result = LineTruncation.Truncate(line, Encoding.UTF8.GetByteCount(line), 150, out _);

        Assert.True(Encoding.UTF8.GetByteCount(result) <= 150);
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(result)));
        Assert.StartsWith(result[..result.IndexOf('…', StringComparison.Ordinal)], line, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_means_no_limit()
    {
        var line = new string('a', 1_000_000);

        Assert.Same(line, LineTruncation.Truncate(line, line.Length, 0, out var truncated));
        Assert.False(truncated);
    }
}
