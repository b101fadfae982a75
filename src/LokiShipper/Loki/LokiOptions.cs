using LokiShipper.Loki.Encoders;

namespace LokiShipper.Loki;

/// <summary>The Loki sink's slice of the configuration.</summary>
/// <param name="WriteAddress">The push URL (<c>WRITE_ADDRESS</c>).</param>
/// <param name="Credentials">How requests authenticate (<c>USERNAME</c>/<c>PASSWORD</c> or <c>BEARER_TOKEN</c>).</param>
/// <param name="TenantId">The <c>X-Scope-OrgID</c> header (<c>TENANT_ID</c>), or null.</param>
/// <param name="PushFormat">Protobuf or JSON bodies (<c>LOKI_PUSH_FORMAT</c>).</param>
/// <param name="JsonGzip">Gzip JSON bodies (<c>JSON_GZIP</c>).</param>
/// <param name="StructuredMetadata">Whether entries carry their structured metadata (<c>STRUCTURED_METADATA</c>).</param>
/// <param name="AttemptTimeout">The longest one request may take (<c>PUSH_TIMEOUT_SECONDS</c>).</param>
/// <param name="SkipTlsVerify">Accept any server certificate (<c>SKIP_TLS_VERIFY</c>).</param>
/// <param name="MaxConnections">Connections to Loki kept open: the pushes in flight at once.</param>
internal sealed record LokiOptions(
    Uri WriteAddress,
    LokiCredentials Credentials,
    string? TenantId,
    PushFormat PushFormat,
    bool JsonGzip,
    StructuredMetadataMode StructuredMetadata,
    TimeSpan AttemptTimeout,
    bool SkipTlsVerify,
    int MaxConnections);
