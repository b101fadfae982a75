namespace LokiShipper.Onboarding;

/// <summary>
/// Which log groups are shipped and what the function does to them: subscribe them (prefix scope) and set their
/// retention. Read from the environment for <c>CreateLogGroup</c> events, and from the custom resource's properties
/// for the sweep at deploy (both come from the same template parameters).
/// </summary>
/// <param name="Scope">How the groups are selected.</param>
/// <param name="LogGroupNames">The listed groups (list scope).</param>
/// <param name="Prefixes">Name prefixes (prefix scope).</param>
/// <param name="Excluded">Exact names never shipped nor changed.</param>
/// <param name="ShipperLogGroup">The function's own log group: never shipped (it would invoke the function forever), never changed.</param>
/// <param name="FilterName">The name of the subscription filters the function creates; a filter by this name is the stack's.</param>
/// <param name="FilterPattern">The filter pattern; empty ships every event.</param>
/// <param name="DestinationArn">The function or the Kinesis stream the filters send to; null when the function subscribes nothing.</param>
/// <param name="RoleArn">The role CloudWatch Logs writes to a stream with; null for a Lambda destination.</param>
/// <param name="RetentionInDays">Retention to give the shipped groups; 0 leaves retention alone.</param>
/// <param name="LowerLongerRetention">Also lower a retention longer than <paramref name="RetentionInDays"/> (else only "never expire" is changed).</param>
internal sealed record OnboardingOptions(
    SubscriptionScope Scope,
    IReadOnlyList<string> LogGroupNames,
    IReadOnlyList<string> Prefixes,
    IReadOnlyList<string> Excluded,
    string? ShipperLogGroup,
    string FilterName,
    string FilterPattern,
    string? DestinationArn,
    string? RoleArn,
    int RetentionInDays,
    bool LowerLongerRetention)
{
    /// <summary>The values <c>PutRetentionPolicy</c> accepts.</summary>
    public static readonly IReadOnlyList<int> RetentionValues =
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    /// <summary>Nothing to do: list scope, retention left alone (the template's per-group filters do the rest).</summary>
    public static OnboardingOptions None { get; } = new(SubscriptionScope.List, [], [], [], null, "", "", null, null, 0, false);

    /// <summary>The function subscribes groups itself (prefix scope).</summary>
    public bool Subscribes => Scope == SubscriptionScope.Prefixes && !string.IsNullOrEmpty(DestinationArn);

    /// <summary>The function sets the retention of the groups it ships.</summary>
    public bool ManagesRetention => RetentionInDays > 0;

    /// <summary>A <c>CreateLogGroup</c> event can need something done: a new group to subscribe or to give a retention.</summary>
    public bool FollowsNewGroups => Subscribes || (ManagesRetention && Scope != SubscriptionScope.List);

    /// <summary>Whether <paramref name="logGroup"/> is shipped: selected by the scope, neither excluded nor the shipper's own.</summary>
    public bool Selects(string logGroup)
    {
        ArgumentNullException.ThrowIfNull(logGroup);
        if (logGroup.Length == 0 || string.Equals(logGroup, ShipperLogGroup, StringComparison.Ordinal) || Excluded.Contains(logGroup, StringComparer.Ordinal))
        {
            return false;
        }

        return Scope switch
        {
            SubscriptionScope.Account => true,
            SubscriptionScope.Prefixes => Prefixes.Any(prefix => logGroup.StartsWith(prefix, StringComparison.Ordinal)),
            _ => LogGroupNames.Contains(logGroup, StringComparer.Ordinal),
        };
    }

    /// <summary>Equal settings: the lists compared item by item (a record compares them by reference).</summary>
    public bool Equals(OnboardingOptions? other) =>
        other is not null
        && Scope == other.Scope
        && LogGroupNames.SequenceEqual(other.LogGroupNames, StringComparer.Ordinal)
        && Prefixes.SequenceEqual(other.Prefixes, StringComparer.Ordinal)
        && Excluded.SequenceEqual(other.Excluded, StringComparer.Ordinal)
        && ShipperLogGroup == other.ShipperLogGroup
        && FilterName == other.FilterName
        && FilterPattern == other.FilterPattern
        && DestinationArn == other.DestinationArn
        && RoleArn == other.RoleArn
        && RetentionInDays == other.RetentionInDays
        && LowerLongerRetention == other.LowerLongerRetention;

    public override int GetHashCode() => HashCode.Combine(Scope, Prefixes.Count, FilterName, DestinationArn, RetentionInDays);

    /// <summary>
    /// Whether a group's filter is the one these options create: the stack's filter name and destination. Only such a
    /// filter is ever removed.
    /// </summary>
    public bool Owns(string filterName, string destinationArn) =>
        string.Equals(filterName, FilterName, StringComparison.Ordinal) && string.Equals(destinationArn, DestinationArn, StringComparison.Ordinal);
}
