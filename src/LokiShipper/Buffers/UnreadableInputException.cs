namespace LokiShipper.Buffers;

/// <summary>Bytes of the event cannot be read as what they claim to be; the message names the field they came from.</summary>
internal sealed class UnreadableInputException : Exception
{
    public UnreadableInputException()
    {
    }

    public UnreadableInputException(string message)
        : base(message)
    {
    }

    public UnreadableInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
