using LokiShipper.Pipeline;
using LokiShipper.Sources.Sqs;

namespace LokiShipper.Tests.Sources.Sqs;

/// <summary>SQS returns each message that failed to the queue, whatever the reason, and only those.</summary>
public class QueueFailuresTests
{
    [Fact]
    public void Failed_and_unreadable_messages_return_to_the_queue_each_with_its_reason()
    {
        var down = new PushFailure(1, 1, 2, ["batch 0: Loki answered 503"]);
        ItemOutcome[] items =
        [
            new(new InputItem("m-1", []), 0, null),
            new(new InputItem("m-2", []), 1, down),
            new(new InputItem("m-3", []), 2, new InvalidItem("Records[2] (messageId m-3): body is not valid JSON")),
        ];

        var report = QueueFailures.Instance.Report(items);

        Assert.Equal(["m-2", "m-3"], report.BatchItemFailures);
        var returned = Assert.IsType<MessagesReturned>(Assert.Single(report.Errors));
        Assert.Equal(3, returned.Messages);
        Assert.Equal(
            "2 of 3 messages failed and return to the queue: message m-2: 1 of 1 batches could not be delivered (2 entries; Lambda will retry the event): batch 0: Loki answered 503 | message m-3: Records[2] (messageId m-3): body is not valid JSON",
            returned.Message);
    }

    [Fact]
    public void Every_message_delivered_returns_none()
    {
        var report = QueueFailures.Instance.Report([new(new InputItem("m-1", []), 0, null)]);

        Assert.Empty(report.BatchItemFailures!);
        Assert.Empty(report.Errors);
    }
}
