using System.Text.RegularExpressions;

namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// Recognises the log format of an S3 object from its key, as AWS names the objects it delivers, and reads the values
/// of its labels from the same key. Keys are as stored (already URL-decoded). The patterns follow the key layouts AWS
/// documents and grafana/lambda-promtail recognises (<c>pkg/s3.go</c>), matched on the file name where it is distinctive,
/// so a copy under another prefix is recognised too. Anything else is <see cref="S3LogFormat.Generic"/>.
/// </summary>
internal static partial class S3KeyPatterns
{
    // A deleted and re-created MSK cluster keeps its name and gets a new id; the name is what people know it by.
    // The folder is "<cluster-name>-<cluster-uuid>-<n>", the tail of the cluster's ARN.
    private const string ClusterIdSuffix = @"-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{8,12}-\d+$";

    // Recognition order: the most distinctive file names first; S3 access logs (bare time-stamped names) and
    // CloudFront (a distribution id and a date) last, so they cannot claim a file another pattern names better.
    private static readonly S3LogFormat[] Order =
    [
        S3LogFormat.CloudTrailDigest,
        S3LogFormat.CloudTrail,
        S3LogFormat.Alb,
        S3LogFormat.VpcFlow,
        S3LogFormat.Waf,
        S3LogFormat.GuardDuty,
        S3LogFormat.Msk,
        S3LogFormat.S3Access,
        S3LogFormat.CloudFront,
    ];

    /// <summary>The format and label values of the object <paramref name="key"/> in <paramref name="bucket"/>.</summary>
    public static S3LogKind Recognise(string bucket, string key)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(key);
        foreach (var format in Order)
        {
            if (TryDescribe(format, bucket, key) is { } kind)
            {
                return kind;
            }
        }

        return Default(S3LogFormat.Generic, bucket);
    }

    /// <summary>
    /// As <see cref="Recognise(string, string)"/>, unless a pinned prefix matches <c>bucket/key</c> (the bucket name, a slash,
    /// then the key, so a pin names its bucket: <c>my-bucket/alb/</c>): the longest one that does decides the format. Its
    /// labels are read from the key as that format names them, or are the bucket when the key does not follow that
    /// format's layout.
    /// </summary>
    /// <param name="pinned">From <c>S3_FORMATS</c> (<see cref="S3FormatPins.Parse"/>).</param>
    public static S3LogKind Recognise(string bucket, string key, IReadOnlyList<(string Prefix, S3LogFormat Format)> pinned)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(pinned);
        if (pinned.Count == 0)
        {
            return Recognise(bucket, key);
        }

        var path = bucket + "/" + key;
        var longest = -1;
        var format = S3LogFormat.Generic;
        foreach (var (prefix, pinnedFormat) in pinned)
        {
            if (prefix.Length > longest && path.StartsWith(prefix, StringComparison.Ordinal))
            {
                longest = prefix.Length;
                format = pinnedFormat;
            }
        }

        if (longest < 0)
        {
            return Recognise(bucket, key);
        }

        // An ELB key names its own kind of load balancer; a pin to another kind still reads its name from it.
        return TryDescribe(format, bucket, key) is { } kind ? kind with { Format = format } : Default(format, bucket);
    }

    /// <summary>lambda-promtail's <c>__aws_log_type</c> for a format (<c>pkg/s3.go</c>, <c>logTypeLabel</c>).</summary>
    public static string PromtailTypeOf(S3LogFormat format) => format switch
    {
        S3LogFormat.Alb or S3LogFormat.Nlb or S3LogFormat.ClassicElb => "s3_lb",
        S3LogFormat.VpcFlow => "s3_vpc_flow",
        S3LogFormat.CloudTrail or S3LogFormat.CloudTrailDigest => "s3_cloudtrail",
        S3LogFormat.CloudFront => "s3_cloudfront",
        S3LogFormat.Waf => "s3_waf",
        S3LogFormat.GuardDuty => "s3_guardduty",
        S3LogFormat.S3Access => "s3_access",
        S3LogFormat.Msk => "s3_msk",

        // lambda-promtail refuses objects it does not recognise; "s3" says where they came from and no more.
        _ => "s3",
    };

    /// <summary>
    /// The <c>aws_service</c> label of a format: the service's name as AWS writes it in the key or its ARNs, except VPC
    /// flow logs and unrecognised objects, which take the values the CloudWatch source gives them (<c>vpc_flow</c>,
    /// <c>custom</c>) so one query finds them whichever way they were shipped.
    /// </summary>
    public static string AwsServiceOf(S3LogFormat format) => format switch
    {
        S3LogFormat.Alb or S3LogFormat.Nlb or S3LogFormat.ClassicElb => "elasticloadbalancing",
        S3LogFormat.VpcFlow => "vpc_flow",
        S3LogFormat.CloudTrail or S3LogFormat.CloudTrailDigest => "cloudtrail",
        S3LogFormat.CloudFront => "cloudfront",
        S3LogFormat.Waf => "waf",
        S3LogFormat.GuardDuty => "guardduty",
        S3LogFormat.S3Access => "s3",
        S3LogFormat.Msk => "kafka",
        _ => "custom",
    };

    // The kind of the object if its key is laid out as `format` writes keys, else null.
    private static S3LogKind? TryDescribe(S3LogFormat format, string bucket, string key)
    {
        Match match;
        switch (format)
        {
            case S3LogFormat.Alb or S3LogFormat.Nlb or S3LogFormat.ClassicElb:
                match = ElbFile().Match(key);
                if (!match.Success)
                {
                    return null;
                }

                var elbFormat = match.Groups["type"].Value switch
                {
                    "app" => S3LogFormat.Alb,
                    "net" => S3LogFormat.Nlb,
                    _ => S3LogFormat.ClassicElb,
                };
                return Kind(elbFormat, match, "name");

            case S3LogFormat.VpcFlow:
                match = VpcFlowFile().Match(key);
                return match.Success ? Kind(format, match, "id") : null;

            case S3LogFormat.CloudTrail:
                match = CloudTrailFile().Match(key);
                return match.Success ? Kind(format, match, "account") : null;

            case S3LogFormat.CloudTrailDigest:
                match = CloudTrailDigestFile().Match(key);
                return match.Success ? Kind(format, match, "account") : null;

            case S3LogFormat.Waf:
                match = WafPath().Match(key);
                return match.Success ? Kind(format, match, "acl") : null;

            case S3LogFormat.GuardDuty:
                match = GuardDutyPath().Match(key);
                return match.Success ? Kind(format, match, "account") : null;

            case S3LogFormat.Msk:
                match = MskPath().Match(key);
                if (!match.Success)
                {
                    return null;
                }

                var folder = match.Groups["cluster"].Value;
                var id = ClusterId().Match(folder);
                return Kind(format, match, "cluster") with { SourceName = id.Success ? folder[..id.Index] : folder };

            case S3LogFormat.S3Access:
                match = S3AccessPartitioned().Match(key);
                if (match.Success)
                {
                    return Kind(format, match, "bucket");
                }

                // Without date-based partitioning the key names no account, region or source bucket: the logs are
                // labelled with the bucket they are delivered to.
                return S3AccessFile().IsMatch(key) ? Default(format, bucket) : null;

            case S3LogFormat.CloudFront:
                match = CloudFrontFile().Match(key);
                return match.Success ? Kind(format, match, "distribution") : null;

            default:
                return null;
        }
    }

    private static S3LogKind Kind(S3LogFormat format, Match match, string sourceGroup) => new(
        format,
        PromtailTypeOf(format),
        AwsServiceOf(format),
        match.Groups[sourceGroup].Value,
        Optional(match, "account"),
        Optional(match, "region"));

    private static S3LogKind Default(S3LogFormat format, string bucket) =>
        new(format, PromtailTypeOf(format), AwsServiceOf(format), bucket, null, null);

    private static string? Optional(Match match, string group) =>
        match.Groups[group] is { Success: true, Value.Length: > 0 } value ? value.Value : null;

    // bucket[/prefix]/AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/mm/dd/
    //   <account>_elasticloadbalancing_<region>_app.<name>.<id>_<end-time>_<ip>_<random>.log.gz   (ALB)
    //   <account>_elasticloadbalancing_<region>_net.<name>.<id>_<end-time>_<random>.log.gz        (NLB)
    //   <account>_elasticloadbalancing_<region>_<name>_<end-time>_<ip>_<random>.log               (Classic)
    // ALB connection logs add "conn_log." in front, health check logs "health_check_log_".
    [GeneratedRegex(@"(?:^|/)(?:conn_log\.|health_check_log_)?(?<account>\d+)_elasticloadbalancing_(?<region>[a-z0-9-]+)_(?:(?<type>app|net)\.(?<name>[A-Za-z0-9-]+)\.[0-9a-f]+|(?<name>[A-Za-z0-9-]+))_\d{8}T?\d{4}Z_[^/]*\.log(?:\.gz)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ElbFile();

    // …/AWSLogs/<account>/vpcflowlogs/<region>/yyyy/mm/dd/[hh/]<account>_vpcflowlogs_<region>_<flow-log-id>_<yyyymmddThhmmZ>_<hash>.log.gz
    // (also under Hive-compatible prefixes, aws-account-id=…/aws-service=vpcflowlogs/…, with the same file name)
    [GeneratedRegex(@"(?:^|/)(?<account>\d+)_vpcflowlogs_(?<region>[a-z0-9-]+)_(?<id>fl-[0-9a-zA-Z]+)_\d{8}T\d{4}Z_[0-9a-zA-Z]+\.log(?:\.gz)?$", RegexOptions.CultureInvariant)]
    private static partial Regex VpcFlowFile();

    // …/AWSLogs/[<org-id>/]<account>/CloudTrail[-Insight]/<region>/yyyy/mm/dd/<account>_CloudTrail[-Insight]_<region>_<yyyymmddThhmmZ>_<unique>.json.gz
    [GeneratedRegex(@"(?:^|/)(?<account>\d+)_CloudTrail(?:-Insight)?_(?<region>[a-z0-9-]+)_\d{8}T\d{4}Z_[A-Za-z0-9]+\.json(?:\.gz)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CloudTrailFile();

    // …/AWSLogs/[<org-id>/]<account>/CloudTrail-Digest/<region>/yyyy/mm/dd/<account>_CloudTrail-Digest_<region>_<trail>_<trail-region>_<yyyymmddThhmmssZ>.json.gz
    [GeneratedRegex(@"(?:^|/)(?<account>\d+)_CloudTrail-Digest_(?<region>[a-z0-9-]+)_[^/]*\.json(?:\.gz)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CloudTrailDigestFile();

    // aws-waf-logs-<suffix>[/prefix]/AWSLogs/<account>/WAFLogs/<region or cloudfront>/<web-acl>/yyyy/mm/dd/hh/mm/<file>.log.gz
    [GeneratedRegex(@"(?:^|/)AWSLogs/(?<account>\d+)/WAFLogs/(?<region>[^/]+)/(?<acl>[^/]+)/.", RegexOptions.CultureInvariant)]
    private static partial Regex WafPath();

    // bucket[/prefix]/AWSLogs/<account>/GuardDuty/<region>/yyyy/mm/dd/<uuid>.jsonl.gz
    [GeneratedRegex(@"(?:^|/)AWSLogs/(?<account>\d+)/GuardDuty/(?<region>[^/]+)/.", RegexOptions.CultureInvariant)]
    private static partial Regex GuardDutyPath();

    // bucket[/prefix]/AWSLogs/<account>/KafkaBrokerLogs/<region>/<cluster-name>-<cluster-uuid>/yyyy-mm-dd-hh/Broker-<id>_hh-mm_<hash>.log.gz
    [GeneratedRegex(@"(?:^|/)AWSLogs/(?<account>\d+)/KafkaBrokerLogs/(?<region>[^/]+)/(?<cluster>[^/]+)/.", RegexOptions.CultureInvariant)]
    private static partial Regex MskPath();

    [GeneratedRegex(ClusterIdSuffix, RegexOptions.CultureInvariant)]
    private static partial Regex ClusterId();

    // [prefix]<account>/<region>/<source-bucket>/yyyy/mm/dd/yyyy-mm-dd-hh-mm-ss-<unique>   (date-based partitioning)
    [GeneratedRegex(@"(?:^|/)(?<account>\d+)/(?<region>[a-z0-9-]+)/(?<bucket>[a-z0-9][a-z0-9.-]*[a-z0-9])/\d{4}/\d{2}/\d{2}/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-Za-z]{8,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex S3AccessPartitioned();

    // [prefix]yyyy-mm-dd-hh-mm-ss-<unique>   (the simple layout)
    [GeneratedRegex(@"(?:^|/)\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-Za-z]{8,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex S3AccessFile();

    // [prefix/]<distribution-id>.yyyy-mm-dd-hh.<unique>.gz
    [GeneratedRegex(@"(?:^|/)(?<distribution>[A-Z0-9]{6,})\.\d{4}-\d{2}-\d{2}-\d{2}\.[A-Za-z0-9]+(?:\.log)?(?:\.gz)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CloudFrontFile();
}
