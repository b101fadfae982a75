namespace LokiShipper.Onboarding.CloudWatchLogs;

/// <summary>A subscription filter of a log group as <c>DescribeSubscriptionFilters</c> lists it.</summary>
/// <param name="FilterName">The filter's name, unique within its log group.</param>
/// <param name="DestinationArn">Where matching events go (a Lambda function, Kinesis or Firehose stream, a destination).</param>
/// <param name="FilterPattern">The pattern; empty matches every event.</param>
/// <param name="RoleArn">The role CloudWatch Logs assumes to deliver (not used for Lambda destinations), or null.</param>
internal sealed record SubscriptionFilterInfo(string FilterName, string DestinationArn, string FilterPattern, string? RoleArn);
