namespace LokiShipper.Pipeline;

/// <summary>Something that went wrong in an invocation, kept as a value until the summary line and the Lambda response write it.</summary>
internal abstract record InvocationError
{
    /// <summary>The errorType Lambda records when this error fails the invocation.</summary>
    public abstract string Type { get; }

    /// <summary>The error in words, naming what failed and what happens next.</summary>
    public abstract string Message { get; }

    public sealed override string ToString() => Message;
}
