using LokiShipper.Onboarding.CustomResources;

namespace LokiShipper.Onboarding;

/// <summary>What one onboarding invocation did: the summary line and the Lambda response are written from it.</summary>
/// <param name="Trigger"><c>custom_resource</c> or <c>log_group_created</c>.</param>
/// <param name="Action">The custom resource's request type, or what was done with a new group (<c>onboarded</c>, <c>ignored</c>).</param>
/// <param name="LogGroup">The new group of a <c>CreateLogGroup</c> event.</param>
/// <param name="Report">Group by group.</param>
/// <param name="Error">Why the invocation failed (Lambda retries it), or null.</param>
/// <param name="Answer">What CloudFormation was told.</param>
/// <param name="Note">Why nothing was done, when so.</param>
internal sealed record OnboardingOutcome(
    string Trigger,
    string Action,
    string? LogGroup,
    OnboardingReport Report,
    string? Error,
    CustomResourceResponse? Answer,
    string? Note = null)
{
    public bool Ok => Error is null;
}
