namespace LokiShipper.Pipeline;

/// <summary>The event cannot be read at all (its message names the field); the invocation fails, nothing is shipped.</summary>
internal sealed record InvalidEvent(string Reason) : InvocationError
{
    public override string Type => "InvalidEvent";

    public override string Message => Reason;
}
