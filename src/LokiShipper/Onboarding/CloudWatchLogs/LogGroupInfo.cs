namespace LokiShipper.Onboarding.CloudWatchLogs;

/// <summary>A log group as <c>DescribeLogGroups</c> lists it.</summary>
/// <param name="Name">The log group name.</param>
/// <param name="Arn">The ARN as the API returns it in <c>arn</c> (ending in <c>:*</c> on AWS).</param>
/// <param name="RetentionInDays">Days events are kept; null when they never expire.</param>
internal sealed record LogGroupInfo(string Name, string Arn, int? RetentionInDays);
