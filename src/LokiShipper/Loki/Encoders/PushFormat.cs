namespace LokiShipper.Loki.Encoders;

/// <summary>The wire format of push requests.</summary>
internal enum PushFormat
{
    /// <summary>Snappy block of a protobuf <c>logproto.PushRequest</c>.</summary>
    Protobuf,

    /// <summary>Loki's JSON push body.</summary>
    Json,
}
