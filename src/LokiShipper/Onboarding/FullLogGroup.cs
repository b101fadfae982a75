namespace LokiShipper.Onboarding;

/// <summary>A group left unsubscribed because it already has the two subscription filters AWS allows, none of them ours.</summary>
/// <param name="LogGroup">The group.</param>
/// <param name="FilterNames">Its filters, so the user can see who holds them.</param>
internal sealed record FullLogGroup(string LogGroup, IReadOnlyList<string> FilterNames);
