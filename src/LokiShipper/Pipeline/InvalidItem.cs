namespace LokiShipper.Pipeline;

/// <summary>One item cannot be read (its message names the item and the field); the other items go on.</summary>
internal sealed record InvalidItem(string Reason) : InvocationError
{
    public override string Type => "InvalidItem";

    public override string Message => Reason;
}
