using System.Text.Json;
using LokiShipper.Buffers;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources.CloudWatch;

/// <summary>
/// A CloudWatch Logs subscription invoking the function directly (<c>{"awslogs":{"data":"…"}}</c>, asynchronously), or
/// a Lambda on-failure record of such an event replayed by hand. One item: when it fails, the invocation fails and
/// Lambda retries the event.
/// </summary>
internal sealed class CloudWatchSource(SourceOptions options) : ISource
{
    public string Shape => "a CloudWatch Logs subscription event {\"awslogs\":{\"data\":\"…\"}} or a Lambda failure record of one";

    public InputEvent? TryRead(JsonElement root, LineArena lines)
    {
        if (SubscriptionData.TryDecode(root, string.Empty, lines, options.MaxDecompressedBytes) is not { } record)
        {
            return null;
        }

        var origin = new CloudWatchOrigin(record.LogGroup, record.LogStream, record.Owner);
        return new InputEvent("cloudwatch", [new InputItem("event", record.ToLogRecords(origin, options.OwnLogGroup))], WholeEventFailure.Instance)
        {
            SummaryField = record.LogGroup.Length > 0 ? new("log_group", record.LogGroup) : null,
        };
    }
}
