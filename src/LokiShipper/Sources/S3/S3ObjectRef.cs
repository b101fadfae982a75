namespace LokiShipper.Sources.S3;

/// <summary>An S3 object a notification names: bucket and key (decoded), and what the notification says of its version.</summary>
/// <param name="Bucket">The bucket name.</param>
/// <param name="Key">The object key, as stored (URL-decoding of S3 notifications already undone).</param>
/// <param name="Region">The bucket's region when the notification names it (<c>awsRegion</c>, EventBridge's <c>region</c>).</param>
/// <param name="VersionId">The version created, for versioned buckets.</param>
/// <param name="ETag">The object's ETag when the notification gives it.</param>
/// <param name="Size">The object's size in bytes when the notification gives it.</param>
internal sealed record S3ObjectRef(string Bucket, string Key, string? Region = null, string? VersionId = null, string? ETag = null, long? Size = null);
