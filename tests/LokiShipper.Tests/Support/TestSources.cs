using System.Text.Json;
using LokiShipper.Pipeline;
using LokiShipper.Sources;
using LokiShipper.Sources.CloudWatch;

namespace LokiShipper.Tests.Support;

/// <summary>Reads events as the function does: through the router of every source (Composition.CreateRouter).</summary>
internal static class TestSources
{
    public const long DefaultMaxDecompressedBytes = 1 << 20;

    /// <summary>The event as the pipeline receives it. Dispose it to give its lines back (or let the GC collect them).</summary>
    public static InputEvent Read(ReadOnlyMemory<byte> eventJson, long maxDecompressedBytes = DefaultMaxDecompressedBytes, string? ownLogGroup = null) =>
        Composition.CreateRouter(new SourceOptions(maxDecompressedBytes, ownLogGroup)).Read(eventJson);

    /// <summary>
    /// A direct subscription event as CloudWatch's record model (message type, owner, group, stream, events). Errors are
    /// the router's: an event of another shape is refused as not a subscription event.
    /// </summary>
    public static SubscriptionRecord DecodeEvent(ReadOnlyMemory<byte> eventJson, long maxDecompressedBytes = DefaultMaxDecompressedBytes)
    {
        using (var input = Read(eventJson, maxDecompressedBytes))
        {
            if (input.Source != "cloudwatch")
            {
                throw new InvalidEventException($"expected a CloudWatch Logs subscription event {{\"awslogs\":{{\"data\":\"…\"}}}}, got a {input.Source} event");
            }
        }

        using var document = JsonDocument.Parse(eventJson);
        return SubscriptionParser.Owned(lines => SubscriptionData.TryDecode(document.RootElement, string.Empty, lines, maxDecompressedBytes)!);
    }

    /// <summary>Where the lines of an item's only record come from (a subscription record's group, stream and owner).</summary>
    public static CloudWatchOrigin OriginOf(InputItem item) => Assert.IsAssignableFrom<CloudWatchOrigin>(Assert.Single(item.Records).Origin);

    /// <summary>The lines of an item's only record.</summary>
    public static IReadOnlyList<LogLine> LinesOf(InputItem item) => Assert.Single(item.Records).Lines;
}
