using System.Text.Json;
using static LokiShipper.Tests.Support.CloudFormationTemplate;

namespace LokiShipper.Tests.Deployment;

/// <summary>
/// deploy/spoke.yaml, what another account deploys to send its log groups to a hub's destination and its load
/// balancer access logs to the hub's queue and function, rendered with <see cref="RenderedTemplate"/>.
/// </summary>
public class SpokeTemplateTests
{
    private const string Spoke = "deploy/spoke.yaml";
    private const string Hub = "HubDestinationArn=arn:aws:logs:eu-west-1:111111111111:destination:loki-shipper-hub";
    private const string HubArn = "arn:aws:logs:eu-west-1:111111111111:destination:loki-shipper-hub";
    private const string HubRole = "arn:aws:iam::111111111111:role/loki-shipper-ShipperRole-AbCdEf123456";
    private const string HubQueue = "arn:aws:sqs:eu-west-1:111111111111:loki-shipper-S3NotificationQueue-AbC123XyZ";
    private const string Bucket = "alb-logs-222222222222";
    private static readonly string[] LogBucket = [$"LogBucketName={Bucket}", $"HubShipperRoleArn={HubRole}", $"HubNotificationQueueArn={HubQueue}"];

    private static RenderedTemplate Render(params string[] values) => RenderedTemplate.RenderFile(Spoke, values);

    private static string Json(object? value) => JsonSerializer.Serialize(value);

    private static Dictionary<string, object?> Map(object? value) => (Dictionary<string, object?>)value!;

    [Fact]
    public void In_list_scope_each_group_gets_a_filter_to_the_hubs_destination_without_a_role()
    {
        var rendered = Render(Hub, "LogGroupNames=/aws/lambda/checkout,/ecs/payments", "FilterPattern=ERROR");
        var filters = rendered.OfType("AWS::Logs::SubscriptionFilter");

        Assert.Empty(rendered.FailedRules);
        Assert.Equal(["Subscriptionawslambdacheckout", "Subscriptionecspayments"], filters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            $$"""{"FilterName":"loki-shipper-to-hub","LogGroupName":"/ecs/payments","FilterPattern":"ERROR","DestinationArn":"{{HubArn}}"}""",
            Json(Properties(filters["Subscriptionecspayments"])));
        Assert.Equal(filters.Keys.Order(StringComparer.Ordinal), rendered.Resources.Keys.Order(StringComparer.Ordinal)); // nothing else
    }

    [Fact]
    public void In_account_scope_one_account_policy_sends_every_group_but_the_excluded_ones()
    {
        var rendered = Render(Hub, "SubscriptionScope=account", "ExcludedLogGroups=/aws/lambda/noisy,/ecs/debug", "FilterPattern={ $.level = \"ERROR\" }");
        var policy = Properties(rendered.Resource("AccountSubscriptionPolicy"));
        var withoutExclusions = Properties(Render(Hub, "SubscriptionScope=account").Resource("AccountSubscriptionPolicy"));

        Assert.Empty(rendered.FailedRules);
        Assert.Equal(("loki-shipper-to-hub", "SUBSCRIPTION_FILTER_POLICY", "ALL"), (policy["PolicyName"], policy["PolicyType"], policy["Scope"]));
        Assert.Equal( // Fn::ToJsonString of parameters only: a JSON string already, the pattern's quotes escaped
            $$"""{"DestinationArn":"{{HubArn}}","FilterPattern":"{ $.level = \"ERROR\" }","Distribution":"Random"}""",
            policy["PolicyDocument"]);
        Assert.Equal("""LogGroupName NOT IN ["/aws/lambda/noisy", "/ecs/debug"]""", policy["SelectionCriteria"]);
        Assert.False(withoutExclusions.ContainsKey("SelectionCriteria"));
        Assert.Empty(rendered.OfType("AWS::Logs::SubscriptionFilter"));
    }

    [Fact]
    public void A_hub_that_admits_an_organization_checks_the_subscriptions_with_a_role_of_the_spoke()
    {
        var listed = Render(Hub, "LogGroupNames=/ecs/payments", "HubAdmitsOrganization=true");
        var account = Render(Hub, "SubscriptionScope=account", "HubAdmitsOrganization=true");
        var role = Properties(listed.Resource("SenderRole"));
        var senderRole = """{"Fn::GetAtt":["SenderRole","Arn"]}""";

        Assert.Equal(senderRole, Json(Properties(listed.Resource("Subscriptionecspayments"))["RoleArn"]));
        Assert.Equal(
            $$$"""{"Fn::ToJsonString":{"DestinationArn":"{{{HubArn}}}","RoleArn":{{{senderRole}}},"FilterPattern":"","Distribution":"Random"}}""",
            Json(Properties(account.Resource("AccountSubscriptionPolicy"))["PolicyDocument"]));
        Assert.Equal(
            $$$$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"aws:SourceArn":"arn:aws:logs:{{{{RenderedTemplate.Region}}}}:{{{{RenderedTemplate.AccountId}}}}:*"}}}]}""",
            Json(role["AssumeRolePolicyDocument"]));
        Assert.Equal(
            $$"""[{"Sid":"PutLogEventsOfThisAccount","Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:{{RenderedTemplate.Region}}:{{RenderedTemplate.AccountId}}:log-group:*"}]""",
            Json(Map(Map(AsList(role["Policies"]).Single())["PolicyDocument"])["Statement"]));
        Assert.Equal(senderRole, Json(Map(listed.Outputs["SenderRoleArn"])["Value"]));
        Assert.DoesNotContain("SenderRole", Render(Hub, "LogGroupNames=/ecs/payments").Resources.Keys);
    }

    [Fact]
    public void The_log_bucket_notifies_the_hubs_queue_of_each_load_balancer_log_file()
    {
        var rendered = Render(LogBucket);
        var bucket = rendered.Resource("LogBucket");

        Assert.Empty(rendered.FailedRules);
        Assert.Equal(("Retain", "Retain"), (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]));
        Assert.Equal(
            $$$$"""{"BucketName":"{{{{Bucket}}}}","BucketEncryption":{"ServerSideEncryptionConfiguration":[{"ServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]},"OwnershipControls":{"Rules":[{"ObjectOwnership":"BucketOwnerEnforced"}]},"PublicAccessBlockConfiguration":{"BlockPublicAcls":"true","BlockPublicPolicy":"true","IgnorePublicAcls":"true","RestrictPublicBuckets":"true"},"NotificationConfiguration":{"QueueConfigurations":[{"Event":"s3:ObjectCreated:*","Queue":"{{{{HubQueue}}}}","Filter":{"S3Key":{"Rules":[{"Name":"prefix","Value":"AWSLogs/{{{{RenderedTemplate.AccountId}}}}/elasticloadbalancing/"},{"Name":"suffix","Value":".log.gz"}]}}}]}}""",
            Json(Properties(bucket)));
        Assert.Equal("""{"Ref":"LogBucket"}""", Json(Map(rendered.Outputs["LogBucketName"])["Value"]));
        Assert.DoesNotContain(rendered.Resources.Keys, id => id.StartsWith("Subscription", StringComparison.Ordinal) || id == "AccountSubscriptionPolicy");
    }

    [Fact]
    public void The_bucket_policy_lets_the_load_balancers_write_and_the_hubs_function_read_this_accounts_logs_only()
    {
        var statements = AsList(Map(Properties(Render(LogBucket).Resource("LogBucketPolicy"))["PolicyDocument"])["Statement"]);
        var logs = """{"Fn::Sub":"${LogBucket.Arn}/AWSLogs/111122223333/*"}""";
        var source = """{"StringEquals":{"aws:SourceAccount":"111122223333"},"ArnLike":{"aws:SourceArn":"arn:aws:logs:eu-west-1:111122223333:*"}}""";

        Assert.Equal(
            """[{"Sid":"ElasticLoadBalancingWritesAccessLogs","Effect":"Allow","Principal":{"Service":"logdelivery.elasticloadbalancing.amazonaws.com"},"Action":"s3:PutObject","Resource":LOGS},{"Sid":"LogDeliveryChecksBucketAcl","Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":{"Fn::GetAtt":["LogBucket","Arn"]},"Condition":SOURCE},{"Sid":"LogDeliveryWritesNetworkLoadBalancerLogs","Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"s3:PutObject","Resource":LOGS,"Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceAccount":"111122223333"},"ArnLike":{"aws:SourceArn":"arn:aws:logs:eu-west-1:111122223333:*"}}},{"Sid":"LokiShipperHubReadsAccessLogs","Effect":"Allow","Principal":{"AWS":"HUBROLE"},"Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":LOGS}]""".Replace("LOGS", logs, StringComparison.Ordinal).Replace("SOURCE", source, StringComparison.Ordinal).Replace("HUBROLE", HubRole, StringComparison.Ordinal),
            Json(statements));
        Assert.Equal(
            """{"AWS":"arn:aws:iam::156460612806:root"}""",
            Json(Map(AsList(Map(Properties(Render([.. LogBucket, "ElbAccountId=156460612806"]).Resource("LogBucketPolicy"))["PolicyDocument"])["Statement"])[0])["Principal"]));
    }

    [Theory]
    [InlineData(new string[0], "SpokeSendsSomething")]
    [InlineData(new[] { Hub, "SubscriptionScope=account", "LogGroupNames=/ecs/payments" }, "LogGroupNamesOnlyWithListScope")]
    [InlineData(new[] { Hub, "LogGroupNames=/ecs/payments", "ExcludedLogGroups=/ecs/debug" }, "ExcludedLogGroupsOnlyWithAccountScope")]
    [InlineData(new[] { "SubscriptionScope=account", $"LogBucketName={Bucket}", $"HubShipperRoleArn={HubRole}", $"HubNotificationQueueArn={HubQueue}" }, "LogGroupsNeedTheHub")]
    [InlineData(new[] { "LogGroupNames=/ecs/payments", $"LogBucketName={Bucket}", $"HubShipperRoleArn={HubRole}", $"HubNotificationQueueArn={HubQueue}" }, "LogGroupsNeedTheHub")]
    [InlineData(new[] { $"LogBucketName={Bucket}", $"HubShipperRoleArn={HubRole}" }, "LogBucketNeedsTheHub")]
    public void Rules_refuse_what_the_spoke_cannot_send(string[] values, string rule)
    {
        Assert.Equal([rule], Render(values).FailedRules);
    }

    [Fact]
    public void No_statement_of_the_spoke_allows_every_resource()
    {
        var rendered = Render([Hub, "SubscriptionScope=account", "HubAdmitsOrganization=true", .. LogBucket]);
        var statements = rendered.PolicyStatements().ToList();

        Assert.Equal(6, statements.Count); // the role's trust, its policy, and the bucket policy's four
        Assert.All(statements.Where(s => s.ContainsKey("Resource")), statement => Assert.DoesNotContain("*", AsList(statement["Resource"])));
        Assert.All(statements.Where(s => !s.ContainsKey("Resource")), statement => Assert.Equal("sts:AssumeRole", statement["Action"]));
    }
}
