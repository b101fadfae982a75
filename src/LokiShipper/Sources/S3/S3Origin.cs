using LokiShipper.Labels;
using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Sources.S3;

/// <summary>Lines of an S3 log object: what its key says (format, resource, account, region), and the object itself.</summary>
/// <param name="Kind">What the key says.</param>
/// <param name="Bucket">The bucket: structured metadata, never a label.</param>
/// <param name="Key">The key: structured metadata, never a label (one stream per object would be a stream per file).</param>
/// <param name="NotifiedRegion">The bucket's region as the notification gave it, for keys that name none.</param>
internal sealed record S3Origin(S3LogKind Kind, string Bucket, string Key, string? NotifiedRegion) : LogOrigin
{
    public override void AddLabels(LabelOptions options, List<KeyValuePair<string, string>> labels)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(labels);
        if (options.Scheme == LabelScheme.LambdaPromtail)
        {
            // As lambda-promtail labels S3 logs: the log type, the resource under __aws_<type>, its account under __aws_<type>_owner.
            labels.Add(new("__aws_log_type", Kind.PromtailType));
            labels.Add(new($"__aws_{Kind.PromtailType}", Kind.SourceName));
            if (Kind.AccountId is { } owner)
            {
                labels.Add(new($"__aws_{Kind.PromtailType}_owner", owner));
            }

            return;
        }

        labels.Add(new("service_name", Kind.SourceName));
        labels.Add(new("aws_service", Kind.AwsService));
        labels.Add(new("log_type", LogType(Kind.Format)));
        if (Kind.AccountId is { } account)
        {
            labels.Add(new("aws_account_id", account));
        }

        if ((Kind.Region ?? NotifiedRegion ?? options.AwsRegion) is { } region)
        {
            labels.Add(new("aws_region", region));
        }
    }

    // Objects of one resource share their labels: the bucket and key are metadata.
    public override bool SameLabels(LogOrigin other, LabelOptions options) =>
        other is S3Origin origin && origin.Kind == Kind && origin.NotifiedRegion == NotifiedRegion;

    public override int LabelHashCode(LabelOptions options) => HashCode.Combine(Kind, NotifiedRegion);

    public override IReadOnlyList<KeyValuePair<string, string>> Metadata(LabelOptions options) => [new("s3_bucket", Bucket), new("s3_key", Key)];

    /// <summary>The readable <c>log_type</c> label of a format.</summary>
    public static string LogType(S3LogFormat format) => format switch
    {
        S3LogFormat.Alb => "alb",
        S3LogFormat.Nlb => "nlb",
        S3LogFormat.ClassicElb => "elb",
        S3LogFormat.VpcFlow => "vpc_flow",
        S3LogFormat.CloudTrail or S3LogFormat.CloudTrailDigest => "cloudtrail",
        S3LogFormat.CloudFront => "cloudfront",
        S3LogFormat.Waf => "waf",
        S3LogFormat.GuardDuty => "guardduty",
        S3LogFormat.S3Access => "s3_access",
        S3LogFormat.Msk => "msk",
        _ => "s3_object",
    };
}
