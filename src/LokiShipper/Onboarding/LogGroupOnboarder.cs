using LokiShipper.Onboarding.CloudWatchLogs;

namespace LokiShipper.Onboarding;

/// <summary>
/// Subscribes the selected log groups and sets their retention, one group at a time, and removes the filters the
/// stack created. Only a filter by the stack's name is ever replaced, and only one with the stack's name and
/// destination removed; a group with two filters of others is reported, never changed. A failed call is recorded
/// for its group and the others go on.
/// </summary>
internal sealed class LogGroupOnboarder
{
    /// <summary>
    /// Time kept back from the deadline when sweeping: answering CloudFormation and writing the summary must still fit
    /// (one group takes a few calls, each retried for at most a few seconds).
    /// </summary>
    public static readonly TimeSpan DeadlineMargin = TimeSpan.FromSeconds(10);

    private readonly ICloudWatchLogs _logs;
    private readonly TimeProvider _time;

    public LogGroupOnboarder(ICloudWatchLogs logs, TimeProvider time)
    {
        _logs = logs ?? throw new ArgumentNullException(nameof(logs));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>Does to <paramref name="group"/> what <paramref name="options"/> ask, if it selects it.</summary>
    public async Task OnboardAsync(OnboardingOptions options, LogGroupInfo group, OnboardingReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(report);
        if (!options.Selects(group.Name))
        {
            report.NotSelected++;
            return;
        }

        report.Examined++;
        try
        {
            if (options.Subscribes)
            {
                await SubscribeAsync(options, group.Name, report, cancellationToken).ConfigureAwait(false);
            }

            if (options.ManagesRetention
                && (group.RetentionInDays is null || (options.LowerLongerRetention && group.RetentionInDays > options.RetentionInDays)))
            {
                await _logs.PutRetentionPolicyAsync(group.Name, options.RetentionInDays, cancellationToken).ConfigureAwait(false);
                report.RetentionChanges.Add(new RetentionChange(group.Name, group.RetentionInDays, options.RetentionInDays));
            }
        }
        catch (CloudWatchLogsException ex) when (ex.ErrorCode == "ResourceNotFoundException")
        {
            report.Gone.Add(group.Name);
        }
        catch (CloudWatchLogsException ex)
        {
            report.Failures.Add(new OnboardingFailure(group.Name, ex.Message));
        }
    }

    /// <summary>
    /// Every group <paramref name="options"/> select, onboarded in name order, until <paramref name="deadline"/> is
    /// near (<see cref="OnboardingReport.NotReached"/> then counts the rest).
    /// </summary>
    public async Task SweepAsync(OnboardingOptions options, DateTimeOffset deadline, OnboardingReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        if (!options.Subscribes && !options.ManagesRetention)
        {
            return;
        }

        var groups = await CandidatesAsync(options, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < groups.Count; i++)
        {
            if (_time.GetUtcNow() + DeadlineMargin >= deadline)
            {
                report.NotReached = groups.Count - i;
                return;
            }

            await OnboardAsync(options, groups[i], report, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Removes the filter <paramref name="options"/> create (by name and destination) from the groups under their
    /// prefixes, except where <paramref name="keep"/> says it is still wanted.
    /// </summary>
    public async Task RemoveAsync(OnboardingOptions options, Func<string, bool> keep, DateTimeOffset deadline, OnboardingReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keep);
        ArgumentNullException.ThrowIfNull(report);
        if (!options.Subscribes)
        {
            return;
        }

        // Exclusions are not applied: a group excluded since it was subscribed still carries the stack's filter.
        var groups = await UnderPrefixesAsync(options.Prefixes, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < groups.Count; i++)
        {
            if (_time.GetUtcNow() + DeadlineMargin >= deadline)
            {
                report.NotReached = groups.Count - i;
                return;
            }

            var name = groups[i].Name;
            if (keep(name))
            {
                continue;
            }

            try
            {
                var filters = await _logs.DescribeSubscriptionFiltersAsync(name, cancellationToken).ConfigureAwait(false);
                if (filters.Any(filter => options.Owns(filter.FilterName, filter.DestinationArn)))
                {
                    await _logs.DeleteSubscriptionFilterAsync(name, options.FilterName, cancellationToken).ConfigureAwait(false);
                    report.Removed.Add(name);
                }
            }
            catch (CloudWatchLogsException ex) when (ex.ErrorCode == "ResourceNotFoundException")
            {
                report.Gone.Add(name);
            }
            catch (CloudWatchLogsException ex)
            {
                report.Failures.Add(new OnboardingFailure(name, ex.Message));
            }
        }
    }

    /// <summary>The group named <paramref name="logGroup"/> as it is now, or null when it no longer exists.</summary>
    public async Task<LogGroupInfo?> FindAsync(string logGroup, CancellationToken cancellationToken)
    {
        var groups = await _logs.DescribeLogGroupsAsync(logGroup, cancellationToken).ConfigureAwait(false);
        return groups.FirstOrDefault(group => string.Equals(group.Name, logGroup, StringComparison.Ordinal));
    }

    private async Task SubscribeAsync(OnboardingOptions options, string logGroup, OnboardingReport report, CancellationToken cancellationToken)
    {
        var filters = await _logs.DescribeSubscriptionFiltersAsync(logGroup, cancellationToken).ConfigureAwait(false);
        var ours = filters.FirstOrDefault(filter => string.Equals(filter.FilterName, options.FilterName, StringComparison.Ordinal));
        if (ours is not null
            && ours.DestinationArn == options.DestinationArn
            && ours.FilterPattern == options.FilterPattern
            && ours.RoleArn == options.RoleArn)
        {
            report.AlreadySubscribed.Add(logGroup);
            return;
        }

        // AWS allows two filters per group. Ours would be a third: the group is the user's to sort out, not ours to take.
        if (ours is null && filters.Count >= 2)
        {
            report.Full.Add(new FullLogGroup(logGroup, [.. filters.Select(filter => filter.FilterName)]));
            return;
        }

        try
        {
            await _logs.PutSubscriptionFilterAsync(logGroup, options.FilterName, options.FilterPattern, options.DestinationArn!, options.RoleArn, cancellationToken).ConfigureAwait(false);
        }
        catch (CloudWatchLogsException ex) when (ex.ErrorCode == "LimitExceededException" && ours is null)
        {
            // Someone else took the second place between our look and our put.
            var now = await _logs.DescribeSubscriptionFiltersAsync(logGroup, cancellationToken).ConfigureAwait(false);
            report.Full.Add(new FullLogGroup(logGroup, [.. now.Select(filter => filter.FilterName)]));
            return;
        }

        (ours is null ? report.Subscribed : report.Updated).Add(logGroup);
    }

    /// <summary>The groups a sweep looks at, in name order, each once.</summary>
    private async Task<IReadOnlyList<LogGroupInfo>> CandidatesAsync(OnboardingOptions options, CancellationToken cancellationToken)
    {
        switch (options.Scope)
        {
            case SubscriptionScope.Prefixes:
                return await UnderPrefixesAsync(options.Prefixes, cancellationToken).ConfigureAwait(false);
            case SubscriptionScope.Account:
                return [.. (await _logs.DescribeLogGroupsAsync(null, cancellationToken).ConfigureAwait(false)).OrderBy(group => group.Name, StringComparer.Ordinal)];
            default:
                var listed = new List<LogGroupInfo>();
                foreach (var name in options.LogGroupNames)
                {
                    if (await FindAsync(name, cancellationToken).ConfigureAwait(false) is { } group)
                    {
                        listed.Add(group);
                    }
                }

                return listed;
        }
    }

    private async Task<IReadOnlyList<LogGroupInfo>> UnderPrefixesAsync(IReadOnlyList<string> prefixes, CancellationToken cancellationToken)
    {
        var byName = new SortedDictionary<string, LogGroupInfo>(StringComparer.Ordinal);
        foreach (var prefix in prefixes)
        {
            foreach (var group in await _logs.DescribeLogGroupsAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                byName.TryAdd(group.Name, group);
            }
        }

        return [.. byName.Values];
    }
}
