namespace LokiShipper.Function;

/// <summary>The invocation failed; its message is what Lambda records as errorMessage.</summary>
internal sealed class InvocationFailedException : Exception
{
    public InvocationFailedException()
    {
    }

    public InvocationFailedException(string message)
        : base(message)
    {
    }

    public InvocationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvocationFailedException(string errorType, string message)
        : base(message)
    {
        ErrorType = errorType;
    }

    public string ErrorType { get; } = "InvocationFailed";
}
