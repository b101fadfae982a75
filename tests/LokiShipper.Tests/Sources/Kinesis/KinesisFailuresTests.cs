using LokiShipper.Pipeline;
using LokiShipper.Sources.Kinesis;

namespace LokiShipper.Tests.Sources.Kinesis;

/// <summary>Kinesis retries a shard from one record: the first not delivered. Records that cannot be read are skipped, not retried.</summary>
public class KinesisFailuresTests
{
    private static readonly PushFailure Down = new(1, 2, 7, ["batch 1: Loki answered 503"]);

    private static ItemOutcome[] Outcomes(params InvocationError?[] errors) =>
        [.. errors.Select((error, i) => new ItemOutcome(new InputItem($"seq-{i}", []), i, error))];

    [Fact]
    public void Every_record_delivered_answers_an_empty_list_and_no_error()
    {
        var report = KinesisFailures.Instance.Report(Outcomes(null, null));

        Assert.Empty(report.BatchItemFailures!);
        Assert.Empty(report.Errors);
    }

    [Fact]
    public void The_shard_is_retried_from_the_first_record_not_delivered_and_unreadable_records_are_only_named()
    {
        var report = KinesisFailures.Instance.Report(Outcomes(null, new InvalidItem("Records[1]: bad"), Down, null, Down));

        Assert.Equal(["seq-2"], report.BatchItemFailures);
        Assert.Equal(2, report.Errors.Count);
        Assert.Equal(new ShardRetry(2, "seq-2", 5, Down), report.Errors[0]);
        var skipped = Assert.IsType<RecordsSkipped>(report.Errors[1]);
        Assert.Equal(["Records[1]: bad"], skipped.Reasons);
        Assert.Equal(5, skipped.Records);
        Assert.Equal(
            "Lambda retries the shard from record 2 (sequenceNumber seq-2) of 5: 1 of 2 batches could not be delivered (7 entries): batch 1: Loki answered 503",
            report.Errors[0].Message);
    }
}
