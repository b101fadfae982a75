using System.Text;
using LokiShipper.Function;
using LokiShipper.Pipeline;

namespace LokiShipper.Tests.Function;

/// <summary>What Lambda receives for an outcome: batch item failures, a failed invocation, or the summary.</summary>
public class ShipperFunctionTests
{
    [Fact]
    public void An_event_with_partial_failures_answers_the_items_to_retry_and_succeeds()
    {
        var outcome = new InvocationOutcome { Source = "sqs", BatchItemFailures = ["m-2"], Errors = [new InvalidItem("bad")] };

        var response = Encoding.UTF8.GetString(ShipperFunction.Response(outcome));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-2"}]}""", response);
    }

    [Fact]
    public void Any_other_failure_fails_the_invocation_with_the_first_errors_type_and_every_message()
    {
        var outcome = new InvocationOutcome { Errors = [new PushFailure(1, 1, 3, ["batch 0: down"]) { RetryNote = "; Lambda will retry the event" }, new InvalidEvent("and this")] };

        var ex = Assert.Throws<InvocationFailedException>(() => ShipperFunction.Response(outcome));

        Assert.Equal("PushFailed", ex.ErrorType);
        Assert.Equal("1 of 1 batches could not be delivered (3 entries; Lambda will retry the event): batch 0: down || and this", ex.Message);
    }

    [Fact]
    public void A_success_answers_the_summary()
    {
        var outcome = new InvocationOutcome { SummaryField = new("log_group", "/g"), EntriesIn = 2, EntriesPushed = 2, Batches = 1 };

        var response = Encoding.UTF8.GetString(ShipperFunction.Response(outcome));

        Assert.StartsWith("""{"ok":true,"source":"cloudwatch","log_group":"/g","entries_in":2,"entries_pushed":2,"entries_rejected":0,"rejected":{},"dropped":{}""", response, StringComparison.Ordinal);
    }
}
