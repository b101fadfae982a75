namespace LokiShipper.Sources.S3.Formats;

/// <summary>What an S3 object's key says about the logs in it: their format and the values its labels are made of.</summary>
/// <param name="Format">How the object's lines (or records) are read.</param>
/// <param name="PromtailType">lambda-promtail's <c>__aws_log_type</c> for these logs (<c>s3_lb</c>, <c>s3_vpc_flow</c>, …), so the
/// lambda-promtail label scheme gives the streams lambda-promtail gave.</param>
/// <param name="AwsService">The readable <c>aws_service</c> label (<c>elasticloadbalancing</c>, <c>vpc_flow</c>, …).</param>
/// <param name="SourceName">The resource the logs come from: load balancer name, flow log id, distribution id, web ACL, cluster,
/// bucket, or the account where the key names nothing finer.</param>
/// <param name="AccountId">The AWS account the key names, if it names one.</param>
/// <param name="Region">The region the key names, if it names one.</param>
internal sealed record S3LogKind(
    S3LogFormat Format,
    string PromtailType,
    string AwsService,
    string SourceName,
    string? AccountId,
    string? Region);
