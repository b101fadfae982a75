using System.Net;
using System.Text.Json;

namespace LokiShipper.Onboarding.CloudWatchLogs;

/// <summary>One HTTP answer of CloudWatch Logs, read in full, with the error type and message of a refusal.</summary>
internal sealed record CloudWatchLogsAnswer(HttpStatusCode Status, byte[] Body, string? ErrorCode, string? ErrorMessage)
{
    /// <summary>
    /// Error types that mean "too fast, try again later". <c>LimitExceededException</c> is not one of them: CloudWatch
    /// Logs documents it as "You have reached the maximum number of resources that can be created" (for
    /// PutSubscriptionFilter: the two filters a log group may have), which waiting does not change.
    /// </summary>
    private static readonly HashSet<string> Throttling = new(StringComparer.Ordinal)
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ServiceUnavailableException",
    };

    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>Throttling (429, or a throttling type with any status) and 5xx are worth another attempt.</summary>
    public bool IsRetryable =>
        !IsSuccess && ((int)Status >= 500 || Status == HttpStatusCode.TooManyRequests || (ErrorCode is not null && Throttling.Contains(ErrorCode)));

    /// <summary>Reads the error of a refusal from the JSON body (<c>__type</c>, <c>message</c>), or from <c>x-amzn-ErrorType</c>.</summary>
    public static CloudWatchLogsAnswer From(HttpStatusCode status, byte[] body, string? errorTypeHeader)
    {
        ArgumentNullException.ThrowIfNull(body);
        if ((int)status is >= 200 and < 300)
        {
            return new CloudWatchLogsAnswer(status, body, null, null);
        }

        string? type = null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    if (property.NameEquals("__type") || property.NameEquals("code"))
                    {
                        type ??= property.Value.GetString();
                    }
                    else if (property.Name.Equals("message", StringComparison.OrdinalIgnoreCase))
                    {
                        message ??= property.Value.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A proxy or load balancer may answer with HTML or nothing; the status code then says what happened.
        }

        var code = Normalize(type) ?? Normalize(errorTypeHeader) ?? $"Http{(int)status}";
        return new CloudWatchLogsAnswer(status, body, code, message);
    }

    /// <summary><c>com.amazonaws.logs#ThrottlingException</c> or <c>ThrottlingException:http://…</c> → <c>ThrottlingException</c>.</summary>
    private static string? Normalize(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var hash = type.LastIndexOf('#');
        var name = hash >= 0 ? type[(hash + 1)..] : type;
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        name = (colon >= 0 ? name[..colon] : name).Trim();
        return name.Length == 0 ? null : name;
    }
}
