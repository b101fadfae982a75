using System.Text.Json;
using LokiShipper.Buffers;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources;

/// <summary>
/// One way AWS delivers logs to the function. A source recognises its events by their shape, reads them into items
/// of records for the pipeline, and says how their failures are reported to Lambda (see <see cref="InputEvent"/>).
/// </summary>
internal interface ISource
{
    /// <summary>The event shape this source reads, in words, for the error that lists what is accepted.</summary>
    string Shape { get; }

    /// <summary>Reads the event when it has this source's shape; null when it does not.</summary>
    /// <param name="root">The event, a JSON object.</param>
    /// <param name="lines">Where the event's lines are kept until they are pushed.</param>
    /// <exception cref="InvalidEventException">The event has this source's shape but cannot be read at all.</exception>
    InputEvent? TryRead(JsonElement root, LineArena lines);
}
