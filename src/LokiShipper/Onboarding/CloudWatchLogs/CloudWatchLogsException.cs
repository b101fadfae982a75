using System.Net;

namespace LokiShipper.Onboarding.CloudWatchLogs;

/// <summary>
/// CloudWatch Logs refused a call, or it could not be made. <see cref="ErrorCode"/> is the service's error type
/// without its namespace (<c>ResourceNotFoundException</c>, <c>ThrottlingException</c>, ...) so callers can tell a
/// missing log group from a quota; the message names the operation and the log group, never the credentials.
/// </summary>
internal sealed class CloudWatchLogsException : Exception
{
    public CloudWatchLogsException()
        : this("CloudWatch Logs call failed")
    {
    }

    public CloudWatchLogsException(string message)
        : this(message, null)
    {
    }

    public CloudWatchLogsException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ErrorCode = "Unknown";
        Operation = "";
    }

    public CloudWatchLogsException(string operation, string? logGroup, string errorCode, string? serviceMessage, HttpStatusCode? status, int attempts, Exception? innerException = null)
        : base(Describe(operation, logGroup, errorCode, serviceMessage, status, attempts), innerException)
    {
        Operation = operation;
        LogGroup = logGroup;
        ErrorCode = errorCode;
        StatusCode = status;
        Attempts = attempts;
    }

    /// <summary>The error type without its namespace, e.g. <c>ResourceNotFoundException</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>The API operation, e.g. <c>PutSubscriptionFilter</c>.</summary>
    public string Operation { get; }

    /// <summary>The log group the call was about, or null (DescribeLogGroups).</summary>
    public string? LogGroup { get; }

    /// <summary>The HTTP status of the last answer, or null when none came (network error, timeout).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>How many requests were sent, retries included.</summary>
    public int Attempts { get; }

    private static string Describe(string operation, string? logGroup, string errorCode, string? serviceMessage, HttpStatusCode? status, int attempts)
    {
        var target = logGroup is null ? "" : $" for log group '{logGroup}'";
        var http = status is { } code ? $" (HTTP {(int)code}" : " (no answer";
        var tries = attempts == 1 ? "1 attempt" : $"{attempts} attempts";
        var detail = string.IsNullOrWhiteSpace(serviceMessage) ? "" : $": {serviceMessage}";
        return $"CloudWatch Logs {operation}{target} failed with {errorCode}{detail}{http}, {tries})";
    }
}
