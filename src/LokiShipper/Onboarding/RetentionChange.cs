namespace LokiShipper.Onboarding;

/// <summary>A retention the function set.</summary>
/// <param name="LogGroup">The group.</param>
/// <param name="FromDays">What it was; null for "never expire".</param>
/// <param name="ToDays">What it is now.</param>
internal sealed record RetentionChange(string LogGroup, int? FromDays, int ToDays);
