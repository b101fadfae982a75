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

    /// <summary>
    /// Label sets already computed, by source. A Kinesis event of 5,000 records from a few log groups needs a few
    /// label sets, not 5,000 (each is a list, a sort and a string). Bounded: cleared when it grows past 4,096.
    /// </summary>
    private readonly Dictionary<LogSource, LabelSet> _cache = [];
    private readonly Lock _cacheLock = new();

    public LabelSet Labels(LogSource source)
    {
        // The log stream is only part of the labels with KEEP_STREAM: otherwise records of any stream share them.
        var key = _options.KeepStream ? source : source with { LogStream = string.Empty };
        lock (_cacheLock)
        {
            if (_cache.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        var labels = Compute(source);
        lock (_cacheLock)
        {
            if (_cache.Count >= 4096)
            {
                _cache.Clear();
            }

            _cache[key] = labels;
        }

        return labels;
    }

    private LabelSet Compute(LogSource source)
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
