namespace LokiShipper.Onboarding;

/// <summary>A group the function could not change, with CloudWatch Logs' answer (operation, error type, message).</summary>
internal sealed record OnboardingFailure(string LogGroup, string Error);
