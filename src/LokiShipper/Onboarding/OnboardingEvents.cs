using System.Text.Json;

namespace LokiShipper.Onboarding;

/// <summary>
/// Tells onboarding events from log data by their top-level fields, without reading the data: the scan stops at the
/// first <c>awslogs</c> or <c>Records</c> field (every log event has one), so a 1.4 MB CloudWatch event costs the
/// few bytes before its payload.
/// </summary>
internal static class OnboardingEvents
{
    public static OnboardingEventKind Classify(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        bool requestType = false, responseUrl = false, stackId = false, fromLogs = false, cloudTrailCall = false, createLogGroup = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return OnboardingEventKind.None;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("awslogs"u8) || reader.ValueTextEquals("Records"u8))
                {
                    return OnboardingEventKind.None;
                }

                var name = reader.ValueTextEquals("RequestType"u8) ? 1
                    : reader.ValueTextEquals("ResponseURL"u8) ? 2
                    : reader.ValueTextEquals("StackId"u8) ? 3
                    : reader.ValueTextEquals("source"u8) ? 4
                    : reader.ValueTextEquals("detail-type"u8) ? 5
                    : reader.ValueTextEquals("detail"u8) ? 6
                    : 0;
                if (!reader.Read())
                {
                    return OnboardingEventKind.None;
                }

                switch (name)
                {
                    case 1: requestType = reader.TokenType == JsonTokenType.String; break;
                    case 2: responseUrl = reader.TokenType == JsonTokenType.String; break;
                    case 3: stackId = reader.TokenType == JsonTokenType.String; break;
                    case 4: fromLogs = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("aws.logs"u8); break;
                    case 5: cloudTrailCall = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("AWS API Call via CloudTrail"u8); break;
                    case 6: createLogGroup = reader.TokenType == JsonTokenType.StartObject && NamesCreateLogGroup(ref reader); break;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the pipeline reports it as an invalid event.
            return OnboardingEventKind.None;
        }

        return requestType && responseUrl && stackId ? OnboardingEventKind.CustomResource
            : fromLogs && cloudTrailCall && createLogGroup ? OnboardingEventKind.LogGroupCreated
            : OnboardingEventKind.None;
    }

    /// <summary>Reads <c>detail</c> (leaving the reader at its end) and says whether its <c>eventName</c> is <c>CreateLogGroup</c>.</summary>
    private static bool NamesCreateLogGroup(ref Utf8JsonReader reader)
    {
        var found = false;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("eventName"u8))
            {
                reader.Read();
                found = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("CreateLogGroup"u8);
            }
        }

        return found;
    }
}
