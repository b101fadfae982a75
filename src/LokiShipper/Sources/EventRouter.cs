using System.Text.Json;
using LokiShipper.Buffers;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources;

/// <summary>Hands each Lambda event to the first source that recognises its shape.</summary>
internal sealed class EventRouter : IEventReader
{
    private readonly IReadOnlyList<ISource> _sources;

    /// <summary>Every shape the sources read, in words, for the error when none reads an event.</summary>
    private readonly string _accepted;

    /// <param name="sources">The sources, asked in this order.</param>
    public EventRouter(IReadOnlyList<ISource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfZero(sources.Count);
        _sources = sources;
        _accepted = string.Join("; or ", sources.Select(s => s.Shape));
    }

    /// <summary>The sources, in the order they are asked.</summary>
    public IReadOnlyList<ISource> Sources => _sources;

    /// <summary>Reads the event; dispose the result once its entries are pushed.</summary>
    /// <exception cref="InvalidEventException">No source reads this event, or the one whose shape it has cannot read it.</exception>
    public InputEvent Read(ReadOnlyMemory<byte> eventJson)
    {
        var lines = new LineArena();
        try
        {
            var input = Read(eventJson, lines);
            input.Lines = lines;
            return input;
        }
        catch
        {
            lines.Dispose();
            throw;
        }
    }

    private InputEvent Read(ReadOnlyMemory<byte> eventJson, LineArena lines)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(eventJson);
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"the event is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidEventException($"the event is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object; expected {_accepted}");
            }

            foreach (var source in _sources)
            {
                if (source.TryRead(root, lines) is { } input)
                {
                    return input;
                }
            }

            var keys = string.Join(", ", root.EnumerateObject().Select(p => p.Name).Take(10));
            throw new InvalidEventException($"unsupported event shape: expected {_accepted}; got an object with keys [{keys}]");
        }
    }
}
