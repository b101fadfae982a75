namespace LokiShipper.Onboarding.CloudWatchLogs;

/// <summary>The CloudWatch Logs calls onboarding makes; <see cref="CloudWatchLogsClient"/> makes them on AWS.</summary>
internal interface ICloudWatchLogs
{
    /// <summary>Every log group whose name starts with <paramref name="prefix"/> (all of them when null), all pages.</summary>
    Task<IReadOnlyList<LogGroupInfo>> DescribeLogGroupsAsync(string? prefix, CancellationToken cancellationToken = default);

    /// <summary>The subscription filters of <paramref name="logGroup"/>, all pages.</summary>
    Task<IReadOnlyList<SubscriptionFilterInfo>> DescribeSubscriptionFiltersAsync(string logGroup, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces the subscription filter <paramref name="filterName"/> of <paramref name="logGroup"/>.</summary>
    Task PutSubscriptionFilterAsync(string logGroup, string filterName, string filterPattern, string destinationArn, string? roleArn = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the subscription filter <paramref name="filterName"/> of <paramref name="logGroup"/>.</summary>
    Task DeleteSubscriptionFilterAsync(string logGroup, string filterName, CancellationToken cancellationToken = default);

    /// <summary>Keeps the events of <paramref name="logGroup"/> for <paramref name="days"/>.</summary>
    Task PutRetentionPolicyAsync(string logGroup, int days, CancellationToken cancellationToken = default);
}
