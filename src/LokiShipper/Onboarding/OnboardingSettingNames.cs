namespace LokiShipper.Onboarding;

/// <summary>
/// What each onboarding setting is called where it is read (null: not read there), so that a bad value is reported under the name the user
/// wrote: environment variables for <c>CreateLogGroup</c> events, the custom resource's properties for the sweep.
/// </summary>
internal sealed record OnboardingSettingNames(
    string Scope,
    string? LogGroupNames,
    string Prefixes,
    string Excluded,
    string ShipperLogGroup,
    string FilterName,
    string FilterPattern,
    string DestinationArn,
    string RoleArn,
    string RetentionInDays,
    string LowerLongerRetention)
{
    /// <summary>The function's environment, as template.yaml sets it.</summary>
    public static OnboardingSettingNames Environment { get; } = new(
        "SUBSCRIPTION_SCOPE",
        null, // list scope's groups matter only to the sweep; a CreateLogGroup event never concerns them
        "LOG_GROUP_PREFIXES",
        "EXCLUDED_LOG_GROUPS",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "SUBSCRIPTION_FILTER_NAME",
        "SUBSCRIPTION_FILTER_PATTERN",
        "SUBSCRIPTION_DESTINATION_ARN",
        "SUBSCRIPTION_ROLE_ARN",
        "RETENTION_IN_DAYS",
        "RETENTION_LOWERS_LONGER");

    /// <summary>The properties of the template's <c>Custom::LogGroupOnboarding</c> resource.</summary>
    public static OnboardingSettingNames CustomResource { get; } = new(
        "Scope",
        "LogGroupNames",
        "LogGroupPrefixes",
        "ExcludedLogGroups",
        "ShipperLogGroup",
        "FilterName",
        "FilterPattern",
        "DestinationArn",
        "RoleArn",
        "RetentionInDays",
        "LowerLongerRetention");
}
