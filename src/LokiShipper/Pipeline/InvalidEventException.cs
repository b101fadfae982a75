namespace LokiShipper.Pipeline;

/// <summary>
/// The event cannot be read. The message names the field (and record) that is wrong, so the event can be
/// inspected in the failure destination; it fails the invocation rather than dropping anything.
/// </summary>
internal sealed class InvalidEventException : Exception
{
    public InvalidEventException()
    {
    }

    public InvalidEventException(string message)
        : base(message)
    {
    }

    public InvalidEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
