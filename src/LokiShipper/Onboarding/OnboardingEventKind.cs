namespace LokiShipper.Onboarding;

/// <summary>The events that ask the function to onboard log groups rather than ship lines.</summary>
internal enum OnboardingEventKind
{
    /// <summary>Not an onboarding event: log data for the pipeline.</summary>
    None,

    /// <summary>A CloudFormation custom resource request (the sweep at deploy, update and delete).</summary>
    CustomResource,

    /// <summary>CloudTrail's <c>CreateLogGroup</c>, delivered by EventBridge.</summary>
    LogGroupCreated,
}
