namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// What an S3 object holds, as recognised from its key (<see cref="S3KeyPatterns"/>) or pinned by <c>S3_FORMATS</c>:
/// it decides the labels of its lines and how each line's timestamp is read (<see cref="LineFormats"/>).
/// </summary>
internal enum S3LogFormat
{
    /// <summary>Application Load Balancer access logs (also its connection and health check logs).</summary>
    Alb,

    /// <summary>Network Load Balancer access logs (TLS listeners).</summary>
    Nlb,

    /// <summary>Classic Load Balancer access logs.</summary>
    ClassicElb,

    /// <summary>VPC Flow Logs delivered to S3 as text.</summary>
    VpcFlow,

    /// <summary>CloudTrail log files: one JSON document <c>{"Records":[…]}</c>, read with <see cref="CloudTrailRecords"/>.</summary>
    CloudTrail,

    /// <summary>CloudTrail digest files: integrity hashes, not events; nothing in them is shipped.</summary>
    CloudTrailDigest,

    /// <summary>CloudFront standard logs (W3C, tab-separated; also the JSON output of standard logging v2).</summary>
    CloudFront,

    /// <summary>AWS WAF logs: JSON lines.</summary>
    Waf,

    /// <summary>GuardDuty findings exported to S3: JSON lines.</summary>
    GuardDuty,

    /// <summary>S3 server access logs.</summary>
    S3Access,

    /// <summary>Amazon MSK broker logs (log4j).</summary>
    Msk,

    /// <summary>Anything else: JSON lines or text, each line's own timestamp when it leads with one.</summary>
    Generic,
}
