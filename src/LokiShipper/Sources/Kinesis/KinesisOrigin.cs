using LokiShipper.Labels;
using LokiShipper.Sources.CloudWatch;

namespace LokiShipper.Sources.Kinesis;

/// <summary>Lines of a CloudWatch Logs log stream that came through a Kinesis data stream.</summary>
/// <param name="StreamArn">The data stream (the event's <c>eventSourceARN</c>): a label in the lambda-promtail scheme.</param>
internal sealed record KinesisOrigin(string LogGroup, string LogStream, string Owner, string StreamArn) : CloudWatchOrigin(LogGroup, LogStream, Owner)
{
    protected override string LogType => "kinesis";

    protected override bool SameDelivery(CloudWatchOrigin other) => other is KinesisOrigin kinesis && kinesis.StreamArn == StreamArn;

    public override void AddLabels(LabelOptions options, List<KeyValuePair<string, string>> labels)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(labels);
        base.AddLabels(options, labels);
        if (options.Scheme == LabelScheme.LambdaPromtail)
        {
            labels.Add(new("__aws_kinesis_event_source_arn", StreamArn));
        }
    }
}
