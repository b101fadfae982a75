namespace LokiShipper.Sources.CloudWatch;

/// <summary>
/// Derives <c>service_name</c> (what Grafana Logs Drilldown groups by) and <c>aws_service</c> from a log group
/// name, following the AWS services' own naming conventions.
/// </summary>
internal static class ServiceNames
{
    public const string Custom = "custom";

    public static (string ServiceName, string AwsService) Derive(string logGroup)
    {
        ArgumentNullException.ThrowIfNull(logGroup);
        var segments = logGroup.Split('/', StringSplitOptions.RemoveEmptyEntries);

        if (Segment(logGroup, "/aws/lambda/", segments, 2) is { } function)
        {
            return (function, "lambda");
        }

        if (Segment(logGroup, "/ecs/", segments, 1) is { } ecs)
        {
            return (ecs, "ecs");
        }

        if (Segment(logGroup, "/aws/ecs/", segments, 2) is { } awsEcs)
        {
            return (awsEcs, "ecs");
        }

        if (logGroup.StartsWith("/aws/rds/", StringComparison.Ordinal))
        {
            // /aws/rds/instance/<db>/<log> and /aws/rds/cluster/<cluster>/<log>
            var name = segments.Length >= 4 && segments[2] is "instance" or "cluster" ? segments[3] : LastSegment(logGroup, segments);
            return (name, "rds");
        }

        if (logGroup.StartsWith("/aws/eks/", StringComparison.Ordinal) && segments.Length >= 3)
        {
            return (segments[2], "eks");
        }

        if (logGroup.StartsWith("API-Gateway-Execution-Logs_", StringComparison.Ordinal))
        {
            var apiId = logGroup["API-Gateway-Execution-Logs_".Length..].Split('/')[0];
            return (apiId.Length > 0 ? apiId : LastSegment(logGroup, segments), "apigateway");
        }

        if (Segment(logGroup, "/aws/apigateway/", segments, 2) is { } api)
        {
            return (api, "apigateway");
        }

        if (Segment(logGroup, "/aws/vendedlogs/states/", segments, 3) is { } stateMachine)
        {
            return (stateMachine, "states");
        }

        if (Segment(logGroup, "/aws/states/", segments, 2) is { } states)
        {
            return (states, "states");
        }

        if (Segment(logGroup, "/aws/codebuild/", segments, 2) is { } project)
        {
            return (project, "codebuild");
        }

        if (logGroup.Contains("cloudtrail", StringComparison.OrdinalIgnoreCase))
        {
            return (LastSegment(logGroup, segments), "cloudtrail");
        }

        if (logGroup.Contains("flowlog", StringComparison.OrdinalIgnoreCase)
            || logGroup.Contains("flow-log", StringComparison.OrdinalIgnoreCase)
            || logGroup.Contains("flow_log", StringComparison.OrdinalIgnoreCase))
        {
            return (LastSegment(logGroup, segments), "vpc_flow");
        }

        return (LastSegment(logGroup, segments), Custom);
    }

    private static string? Segment(string logGroup, string prefix, string[] segments, int index) =>
        logGroup.StartsWith(prefix, StringComparison.Ordinal) && segments.Length > index ? segments[index] : null;

    private static string LastSegment(string logGroup, string[] segments) =>
        segments.Length > 0 ? segments[^1] : logGroup;
}
