namespace LokiShipper.Pipeline;

/// <summary>Reads a Lambda event into the items and records the pipeline ships (the sources, behind their router).</summary>
internal interface IEventReader
{
    /// <summary>Reads the event; dispose the result once its entries are pushed.</summary>
    /// <exception cref="InvalidEventException">The event cannot be read at all.</exception>
    InputEvent Read(ReadOnlyMemory<byte> eventJson);
}
