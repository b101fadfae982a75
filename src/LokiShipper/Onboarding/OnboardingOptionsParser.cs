using System.Globalization;

namespace LokiShipper.Onboarding;

/// <summary>
/// Reads <see cref="OnboardingOptions"/> from named settings: each value is a string, lists comma-separated (the
/// custom resource's list properties arrive as JSON arrays and are joined first). Problems name the setting and the
/// accepted form.
/// </summary>
internal static class OnboardingOptionsParser
{
    /// <param name="get">The value of a setting, or null when unset (empty counts as unset).</param>
    /// <param name="names">What the settings are called there.</param>
    /// <param name="problems">Where problems are added.</param>
    public static OnboardingOptions Parse(Func<string, string?> get, OnboardingSettingNames names, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(get);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(problems);
        string? Get(string name) => get(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var scope = Get(names.Scope)?.ToLowerInvariant() switch
        {
            null or "list" => SubscriptionScope.List,
            "account" => SubscriptionScope.Account,
            "prefixes" => SubscriptionScope.Prefixes,
            _ => Problem(problems, $"{names.Scope} must be 'list', 'account' or 'prefixes'", SubscriptionScope.List),
        };

        var prefixes = List(Get(names.Prefixes));
        if (scope == SubscriptionScope.Prefixes && prefixes.Count == 0)
        {
            problems.Add($"{names.Prefixes} must name at least one log group name prefix (comma-separated, e.g. /aws/lambda/,/ecs/) when {names.Scope} is 'prefixes'");
        }

        var filterName = Get(names.FilterName);
        var destination = Get(names.DestinationArn);
        if (scope == SubscriptionScope.Prefixes)
        {
            if (filterName is null)
            {
                problems.Add($"{names.FilterName} must be set when {names.Scope} is 'prefixes': the name of the subscription filters the function creates");
            }

            if (destination is null || !destination.StartsWith("arn:", StringComparison.Ordinal))
            {
                problems.Add($"{names.DestinationArn} must be the ARN of the function or Kinesis stream to subscribe to when {names.Scope} is 'prefixes'");
            }
        }

        var retention = 0;
        if (Get(names.RetentionInDays) is { } days)
        {
            if (!int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out retention)
                || (retention != 0 && !OnboardingOptions.RetentionValues.Contains(retention)))
            {
                problems.Add($"{names.RetentionInDays} must be 0 (leave retention alone) or one of {string.Join(", ", OnboardingOptions.RetentionValues)}");
                retention = 0;
            }
        }

        var lower = false;
        if (Get(names.LowerLongerRetention) is { } flag && !bool.TryParse(flag, out lower))
        {
            problems.Add($"{names.LowerLongerRetention} must be 'true' or 'false'");
        }

        return new OnboardingOptions(
            scope,
            names.LogGroupNames is null ? [] : List(Get(names.LogGroupNames)),
            prefixes,
            List(Get(names.Excluded)),
            Get(names.ShipperLogGroup),
            filterName ?? "",
            get(names.FilterPattern)?.Trim() ?? "",
            destination,
            Get(names.RoleArn),
            retention,
            lower);
    }

    private static List<string> List(string? raw) =>
        raw is null ? [] : [.. raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    private static T Problem<T>(List<string> problems, string message, T fallback)
    {
        problems.Add(message);
        return fallback;
    }
}
