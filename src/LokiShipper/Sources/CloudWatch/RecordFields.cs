using LokiShipper.Buffers;

namespace LokiShipper.Sources.CloudWatch;

/// <summary>The fields of a subscription record as read, before validation.</summary>
internal sealed class RecordFields
{
    public string? MessageType { get; set; }
    public string? Owner { get; set; }
    public string? LogGroup { get; set; }
    public string? LogStream { get; set; }
    public LineBuffer? LogEvents { get; set; }

    /// <summary>The first event that is null or lacks a field; reported only for a DATA_MESSAGE.</summary>
    public string? EventProblem { get; set; }

    /// <summary>Bytes of the lines buffer the messages take.</summary>
    public int LinesUsed { get; set; }
}
