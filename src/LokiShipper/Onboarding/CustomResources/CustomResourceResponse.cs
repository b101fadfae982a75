namespace LokiShipper.Onboarding.CustomResources;

/// <summary>What the function answers CloudFormation: SUCCESS or FAILED, why, and a few values for <c>Fn::GetAtt</c>.</summary>
/// <param name="Success">SUCCESS, else FAILED.</param>
/// <param name="Reason">Shown in the stack's events; required with FAILED.</param>
/// <param name="PhysicalResourceId">The resource's id; the same at Update, or CloudFormation deletes the old one.</param>
/// <param name="Data">Values readable with <c>Fn::GetAtt</c> (counts).</param>
internal sealed record CustomResourceResponse(bool Success, string Reason, string PhysicalResourceId, IReadOnlyList<KeyValuePair<string, string>> Data);
