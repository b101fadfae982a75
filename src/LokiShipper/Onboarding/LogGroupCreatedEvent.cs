using System.Text.Json;

namespace LokiShipper.Onboarding;

/// <summary>
/// CloudTrail's record of a <c>CreateLogGroup</c> call as EventBridge delivers it
/// (<c>source: aws.logs</c>, <c>detail-type: AWS API Call via CloudTrail</c>).
/// </summary>
/// <param name="LogGroupName"><c>detail.requestParameters.logGroupName</c>.</param>
/// <param name="ErrorCode"><c>detail.errorCode</c>: set when the call failed and no group was created.</param>
internal sealed record LogGroupCreatedEvent(string LogGroupName, string? ErrorCode)
{
    /// <exception cref="FormatException">The event has no <c>detail.requestParameters.logGroupName</c>.</exception>
    public static LogGroupCreatedEvent Read(JsonElement root)
    {
        if (!root.TryGetProperty("detail", out var detail) || detail.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("CreateLogGroup event: 'detail' is missing");
        }

        var errorCode = detail.TryGetProperty("errorCode", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString() : null;
        if (detail.TryGetProperty("requestParameters", out var parameters)
            && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("logGroupName", out var name)
            && name.ValueKind == JsonValueKind.String
            && name.GetString() is { Length: > 0 } logGroup)
        {
            return new LogGroupCreatedEvent(logGroup, errorCode);
        }

        return errorCode is not null
            ? new LogGroupCreatedEvent("", errorCode)
            : throw new FormatException("CreateLogGroup event: 'detail.requestParameters.logGroupName' is missing or not a string");
    }
}
