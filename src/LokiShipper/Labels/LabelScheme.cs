namespace LokiShipper.Labels;

/// <summary>Which label names a stream gets (docs/labels.md).</summary>
internal enum LabelScheme
{
    /// <summary><c>service_name</c>, <c>aws_service</c>, <c>log_group</c>, <c>aws_account_id</c>, <c>aws_region</c>.</summary>
    Readable,

    /// <summary>The labels grafana/lambda-promtail sends: <c>__aws_log_type</c>, <c>__aws_cloudwatch_log_group</c>, ….</summary>
    LambdaPromtail,
}
