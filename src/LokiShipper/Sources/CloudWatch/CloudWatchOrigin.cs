using LokiShipper.Labels;

namespace LokiShipper.Sources.CloudWatch;

/// <summary>Lines of a CloudWatch Logs log stream, delivered by a subscription filter.</summary>
/// <param name="LogGroup">The log group.</param>
/// <param name="LogStream">The log stream: a label with <c>KEEP_STREAM</c>, structured metadata otherwise.</param>
/// <param name="Owner">The account that owns the log group.</param>
internal record CloudWatchOrigin(string LogGroup, string LogStream, string Owner) : LogOrigin
{
    /// <summary>How the lines reached us, in the lambda-promtail scheme's <c>__aws_log_type</c>.</summary>
    protected virtual string LogType => "cloudwatch";

    public override void AddLabels(LabelOptions options, List<KeyValuePair<string, string>> labels)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(labels);
        if (options.Scheme == LabelScheme.LambdaPromtail)
        {
            labels.Add(new("__aws_log_type", LogType));
            labels.Add(new("__aws_cloudwatch_log_group", LogGroup));
            labels.Add(new("__aws_cloudwatch_owner", Owner));
            if (options.KeepStream)
            {
                labels.Add(new("__aws_cloudwatch_log_stream", LogStream));
            }

            return;
        }

        var (serviceName, awsService) = ServiceNames.Derive(LogGroup);
        labels.Add(new("service_name", serviceName));
        labels.Add(new("aws_service", awsService));
        labels.Add(new("log_group", LogGroup));
        labels.Add(new("aws_account_id", Owner));
        if (options.AwsRegion is { } region)
        {
            labels.Add(new("aws_region", region));
        }

        if (options.KeepStream)
        {
            labels.Add(new("log_stream", LogStream));
        }
    }

    // The log stream is only part of the labels with KEEP_STREAM: otherwise records of any stream share them.
    public override bool SameLabels(LogOrigin other, LabelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return other is CloudWatchOrigin origin && origin.EqualityContract == EqualityContract && origin.LogGroup == LogGroup && origin.Owner == Owner
            && (!options.KeepStream || origin.LogStream == LogStream) && SameDelivery(origin);
    }

    public override int LabelHashCode(LabelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return HashCode.Combine(EqualityContract, LogGroup, Owner, options.KeepStream ? LogStream : null);
    }

    /// <summary>Whether the lines came the same way (the same data stream, for Kinesis); <paramref name="other"/> is of this type.</summary>
    protected virtual bool SameDelivery(CloudWatchOrigin other) => true;

    public override IReadOnlyList<KeyValuePair<string, string>> Metadata(LabelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.KeepStream ? [] : [new("log_stream", LogStream)];
    }
}
