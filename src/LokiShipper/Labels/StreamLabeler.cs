using LokiShipper.Configuration;

namespace LokiShipper.Labels;

/// <summary>What a log record tells us about where it came from; labels are computed from this once per record.</summary>
/// <param name="LogType">How it reached us: <c>cloudwatch</c> (a subscription) or <c>kinesis</c> (through a data stream).</param>
/// <param name="KinesisStreamArn">The data stream it came through (the event's <c>eventSourceARN</c>), or null.</param>
public readonly record struct LogSource(string LogType, string LogGroup, string LogStream, string Owner, string? KinesisStreamArn = null);

/// <summary>Computes the label set of a subscription record under the configured scheme.</summary>
public sealed class StreamLabeler
{
    private readonly ShipperOptions _options;

    public StreamLabeler(ShipperOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>True when the log stream travels as a label; otherwise it is structured metadata.</summary>
    public bool StreamIsLabel => _options.KeepStream;

    public LabelSet Labels(LogSource source)
    {
        var pairs = new List<KeyValuePair<string, string>>(8);
        if (_options.LabelScheme == LabelScheme.LambdaPromtail)
        {
            pairs.Add(new("__aws_log_type", source.LogType));
            if (source.KinesisStreamArn is { } streamArn)
            {
                pairs.Add(new("__aws_kinesis_event_source_arn", streamArn));
            }

            pairs.Add(new("__aws_cloudwatch_log_group", source.LogGroup));
            pairs.Add(new("__aws_cloudwatch_owner", source.Owner));
            if (_options.KeepStream)
            {
                pairs.Add(new("__aws_cloudwatch_log_stream", source.LogStream));
            }
        }
        else
        {
            var (serviceName, awsService) = ServiceNames.Derive(source.LogGroup);
            pairs.Add(new("service_name", serviceName));
            pairs.Add(new("aws_service", awsService));
            pairs.Add(new("log_group", source.LogGroup));
            pairs.Add(new("aws_account_id", source.Owner));
            if (_options.AwsRegion is { } region)
            {
                pairs.Add(new("aws_region", region));
            }

            if (_options.KeepStream)
            {
                pairs.Add(new("log_stream", source.LogStream));
            }
        }

        pairs.AddRange(_options.ExtraLabels);
        foreach (var drop in _options.DropLabels)
        {
            pairs.RemoveAll(p => p.Key == drop);
        }

        return LabelSet.From(pairs);
    }
}
