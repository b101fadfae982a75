using System.Text;
using System.Text.Json.Nodes;
using LokiShipper.Tests.Onboarding.CloudWatchLogs;

namespace LokiShipper.Tests.Onboarding;

/// <summary>Onboarding events as AWS sends them, from the samples in TestData/onboarding, for moto's stream and role.</summary>
internal static class OnboardingTestEvents
{
    public const string FilterName = "loki-shipper-to-kinesis";

    private static JsonNode Sample(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "onboarding", name)))!;

    /// <summary>EventBridge's delivery of CloudTrail's <c>CreateLogGroup</c> for <paramref name="logGroup"/>.</summary>
    public static byte[] Created(string logGroup)
    {
        var node = Sample("create-log-group.json");
        node["detail"]!["requestParameters"]!["logGroupName"] = logGroup;
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    /// <summary>CloudFormation's request of <paramref name="type"/>, answered to <paramref name="responseUrl"/>.</summary>
    public static byte[] CustomResource(string type, string responseUrl, JsonObject properties, JsonObject? old = null)
    {
        var node = Sample("custom-resource-create.json");
        node["RequestType"] = type;
        node["ResponseURL"] = responseUrl;
        node["ResourceProperties"] = properties;
        if (type != "Create")
        {
            node["PhysicalResourceId"] = "loki-shipper-LogGroupOnboarding";
        }

        if (old is not null)
        {
            node["OldResourceProperties"] = old;
        }

        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    /// <summary>The custom resource's properties as template.yaml sets them in kinesis mode with prefix scope.</summary>
    public static JsonObject Properties(string prefix, string retention = "0") => new()
    {
        ["ServiceToken"] = "arn:aws:lambda:eu-west-1:123456789012:function:loki-shipper",
        ["Scope"] = "prefixes",
        ["LogGroupNames"] = new JsonArray(""),
        ["LogGroupPrefixes"] = new JsonArray(prefix),
        ["ExcludedLogGroups"] = new JsonArray(""),
        ["ShipperLogGroup"] = prefix + "loki-shipper",
        ["FilterName"] = FilterName,
        ["FilterPattern"] = "",
        ["DestinationArn"] = MotoLogs.StreamArnValue,
        ["RoleArn"] = MotoLogs.RoleArn,
        ["RetentionInDays"] = retention,
        ["LowerLongerRetention"] = "false",
    };

    /// <summary>The function's environment for prefix scope under <paramref name="prefix"/>, as template.yaml sets it.</summary>
    public static Dictionary<string, string> Environment(string prefix) => new(StringComparer.Ordinal)
    {
        ["SUBSCRIPTION_SCOPE"] = "prefixes",
        ["LOG_GROUP_PREFIXES"] = prefix,
        ["EXCLUDED_LOG_GROUPS"] = prefix + "excluded",
        ["AWS_LAMBDA_LOG_GROUP_NAME"] = prefix + "loki-shipper",
        ["SUBSCRIPTION_FILTER_NAME"] = FilterName,
        ["SUBSCRIPTION_DESTINATION_ARN"] = MotoLogs.StreamArnValue,
        ["SUBSCRIPTION_ROLE_ARN"] = MotoLogs.RoleArn,
        ["RETENTION_IN_DAYS"] = "30",
    };
}
