namespace LokiShipper.Sources.CloudWatch;

/// <summary>The two <c>messageType</c> values of a decoded subscription record.</summary>
internal static class MessageTypes
{
    public const string DataMessage = "DATA_MESSAGE";
    public const string ControlMessage = "CONTROL_MESSAGE";
}
