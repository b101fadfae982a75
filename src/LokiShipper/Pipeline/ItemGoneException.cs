namespace LokiShipper.Pipeline;

/// <summary>What an item names no longer exists (an S3 object deleted before it was read): retrying cannot bring it back.</summary>
internal sealed class ItemGoneException : Exception
{
    public ItemGoneException()
    {
    }

    public ItemGoneException(string message)
        : base(message)
    {
    }

    public ItemGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ItemGoneException(string reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>The reason in the summary's <c>dropped_items</c> counts, e.g. <c>s3_object_gone</c>.</summary>
    public string Reason { get; } = "gone";
}
