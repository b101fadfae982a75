namespace LokiShipper.Onboarding.CustomResources;

/// <summary>The status of one PUT of an answer (a value, so the retry pipeline can look at it after the response is disposed).</summary>
internal readonly record struct ResponsePutStatus(int Status);
