using System.Text.Json;
using System.Text.RegularExpressions;
using LokiShipper.Tests.Support;
using static LokiShipper.Tests.Support.CloudFormationTemplate;

namespace LokiShipper.Tests.Deployment;

/// <summary>
/// Which log groups the stack ships at account scale (SubscriptionScope list, account or prefixes; RetentionInDays),
/// and the hub other accounts send to: each combination rendered with <see cref="RenderedTemplate"/>, its resources,
/// IAM statements and the onboarding contract with the function (environment and custom resource) asserted.
/// </summary>
public class AccountScaleTests
{
    private const string Groups = "LogGroupNames=/aws/lambda/checkout,/ecs/payments";
    private const string Prefixes = "LogGroupPrefixes=/aws/lambda/,/ecs/";
    private const string Excluded = "ExcludedLogGroups=/aws/lambda/noisy,/ecs/debug";
    private const string FunctionArn = $"arn:aws:lambda:{RenderedTemplate.Region}:{RenderedTemplate.AccountId}:function:loki-shipper";
    private const string LogGroupArns = $"arn:aws:logs:{RenderedTemplate.Region}:{RenderedTemplate.AccountId}:log-group:*";

    /// <summary>Every resource the account-scale parameters can add.</summary>
    private static readonly string[] AccountScaleResources =
        ["AccountSubscriptionPolicy", "HubDestination", "LogGroupOnboarding", "LogGroupOnboardingPolicy", "NewLogGroupInvokePermission", "NewLogGroupRule"];

    private readonly CloudFormationTemplate _template = Load();

    /// <summary>A scope with the list that makes it meaningful, in an ingestion mode, with a retention.</summary>
    private static RenderedTemplate Render(string scope, string mode, string retention = "0", params string[] more) =>
        RenderedTemplate.Render(
        [
            $"SubscriptionScope={scope}", $"IngestionMode={mode}", $"RetentionInDays={retention}",
            .. scope switch { "list" => [Groups], "account" => [Excluded], _ => new[] { Prefixes, Excluded } },
            .. more,
        ]);

    private static Dictionary<string, object?> Ref(string name) => new() { ["Ref"] = name };

    private static Dictionary<string, object?> GetAtt(string resource, string attribute) =>
        new() { ["Fn::GetAtt"] = new List<object?> { resource, attribute } };

    private static string Json(object? value) => JsonSerializer.Serialize(value);

    private static Dictionary<string, object?> Map(object? value) => (Dictionary<string, object?>)value!;

    private static Dictionary<string, object?> Variables(RenderedTemplate rendered) =>
        Map(Map(Properties(rendered.Resource("ShipperFunction"))["Environment"])["Variables"]);

    private static List<Dictionary<string, object?>> Statements(Dictionary<string, object?> policyDocument) =>
        AsList(policyDocument["Statement"]).Cast<Dictionary<string, object?>>().ToList();

    public static TheoryData<string, string, string, string, string> Combinations() => new()
    {
        // scope, mode, RetentionInDays, the account-scale resources created, the Sids of the onboarding policy
        { "list", "direct", "0", "", "" },
        { "list", "kinesis", "0", "", "" },
        { "account", "direct", "0", "AccountSubscriptionPolicy", "" },
        { "account", "kinesis", "0", "AccountSubscriptionPolicy", "" },
        { "prefixes", "direct", "0", "LogGroupOnboarding,LogGroupOnboardingPolicy,NewLogGroupInvokePermission,NewLogGroupRule", "FindLogGroups,SubscribeLogGroups" },
        { "prefixes", "kinesis", "0", "LogGroupOnboarding,LogGroupOnboardingPolicy,NewLogGroupInvokePermission,NewLogGroupRule", "FindLogGroups,SubscribeLogGroups,PassStreamRoleToCloudWatchLogs" },
        { "list", "direct", "30", "LogGroupOnboarding,LogGroupOnboardingPolicy", "FindLogGroups,SetLogGroupRetention" },
        { "list", "kinesis", "30", "LogGroupOnboarding,LogGroupOnboardingPolicy", "FindLogGroups,SetLogGroupRetention" },
        { "account", "direct", "30", "AccountSubscriptionPolicy,LogGroupOnboarding,LogGroupOnboardingPolicy,NewLogGroupInvokePermission,NewLogGroupRule", "FindLogGroups,SetLogGroupRetention" },
        { "account", "kinesis", "3653", "AccountSubscriptionPolicy,LogGroupOnboarding,LogGroupOnboardingPolicy,NewLogGroupInvokePermission,NewLogGroupRule", "FindLogGroups,SetLogGroupRetention" },
        { "prefixes", "direct", "1", "LogGroupOnboarding,LogGroupOnboardingPolicy,NewLogGroupInvokePermission,NewLogGroupRule", "FindLogGroups,SubscribeLogGroups,SetLogGroupRetention" },
        { "prefixes", "kinesis", "14", "LogGroupOnboarding,LogGroupOnboardingPolicy,NewLogGroupInvokePermission,NewLogGroupRule", "FindLogGroups,SubscribeLogGroups,SetLogGroupRetention,PassStreamRoleToCloudWatchLogs" },
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Each_scope_mode_and_retention_creates_exactly_its_resources_and_grants(string scope, string mode, string retention, string resources, string sids)
    {
        var rendered = Render(scope, mode, retention);
        var onboarding = rendered.Resources.ContainsKey("LogGroupOnboardingPolicy")
            ? Statements(Map(Properties(rendered.Resource("LogGroupOnboardingPolicy"))["PolicyDocument"]))
            : [];

        Assert.Empty(rendered.FailedRules);
        Assert.Equal(resources, string.Join(',', AccountScaleResources.Where(rendered.Resources.ContainsKey)));
        Assert.Equal(sids, string.Join(',', onboarding.Select(s => s["Sid"])));
        Assert.Equal(scope == "list" ? 2 : 0, rendered.OfType("AWS::Logs::SubscriptionFilter").Count);
        Assert.Equal(mode == "direct", rendered.Resources.ContainsKey("LogsInvokePermission"));
        Assert.Equal(scope, Variables(rendered)["SUBSCRIPTION_SCOPE"]);
        Assert.Equal(retention, Variables(rendered)["RETENTION_IN_DAYS"]);

        // Onboarding grants nothing on log groups beyond what the combination does with them.
        var actions = rendered.PolicyStatements().SelectMany(s => AsList(s["Action"])).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.Equal(sids.Contains("SubscribeLogGroups", StringComparison.Ordinal), actions.Contains("logs:PutSubscriptionFilter"));
        Assert.Equal(sids.Contains("SetLogGroupRetention", StringComparison.Ordinal), actions.Contains("logs:PutRetentionPolicy"));
        Assert.Equal(sids.Contains("PassStreamRole", StringComparison.Ordinal), actions.Contains("iam:PassRole"));
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void No_statement_of_any_combination_allows_every_resource_but_the_justified_ones(string scope, string mode, string retention, string resources, string sids)
    {
        _ = (resources, sids);
        var rendered = Render(scope, mode, retention, "SpokeAccountIds=" + (mode == "kinesis" ? "222222222222" : ""));

        Assert.All(rendered.PolicyStatements().Where(s => Equals(s["Effect"], "Allow") && s.ContainsKey("Resource")), statement =>
        {
            if (AsList(statement["Resource"]).Contains("*"))
            {
                Assert.True(TemplateTests.JustifiedEveryResource.TryGetValue((string?)statement.GetValueOrDefault("Sid") ?? "", out var justified), $"{Json(statement)} allows every resource");
                Assert.Equal(justified, AsList(statement["Action"]));
            }
        });
    }

    [Fact]
    public void The_prefix_onboarding_policy_grants_each_action_on_the_log_groups_of_this_account_and_region_only()
    {
        var rendered = Render("prefixes", "kinesis", "14");
        var statements = Statements(Map(Properties(rendered.Resource("LogGroupOnboardingPolicy"))["PolicyDocument"]));

        Assert.Equal(Ref("ShipperRole"), Properties(rendered.Resource("LogGroupOnboardingPolicy"))["RoleName"], new JsonEquality());
        Assert.Equal(
            $$$$"""
            [{"Sid":"FindLogGroups","Effect":"Allow","Action":"logs:DescribeLogGroups","Resource":"*"},{"Sid":"SubscribeLogGroups","Effect":"Allow","Action":["logs:DescribeSubscriptionFilters","logs:PutSubscriptionFilter","logs:DeleteSubscriptionFilter"],"Resource":"{{{{LogGroupArns}}}}"},{"Sid":"SetLogGroupRetention","Effect":"Allow","Action":"logs:PutRetentionPolicy","Resource":"{{{{LogGroupArns}}}}"},{"Sid":"PassStreamRoleToCloudWatchLogs","Effect":"Allow","Action":"iam:PassRole","Resource":{"Fn::GetAtt":["LogsToStreamRole","Arn"]},"Condition":{"StringEquals":{"iam:PassedToService":"logs.amazonaws.com"}}}]
            """,
            Json(statements));
        Assert.DoesNotContain(Render("prefixes", "direct").PolicyStatements(), s => AsList(s["Action"]).Contains("iam:PassRole"));
    }

    [Fact]
    public void In_account_scope_one_account_policy_sends_every_group_but_the_shippers_own_and_the_excluded_ones_to_the_function()
    {
        var rendered = Render("account", "direct", "0", "FilterPattern={ $.level = \"ERROR\" }");
        var policy = Properties(rendered.Resource("AccountSubscriptionPolicy"));
        var withoutExclusions = Properties(RenderedTemplate.Render("SubscriptionScope=account").Resource("AccountSubscriptionPolicy"));

        Assert.Equal(("loki-shipper-to-loki", "SUBSCRIPTION_FILTER_POLICY", "ALL"), (policy["PolicyName"], policy["PolicyType"], policy["Scope"]));
        Assert.Equal(
            """{"Fn::ToJsonString":{"DestinationArn":{"Fn::GetAtt":["ShipperFunction","Arn"]},"FilterPattern":"{ $.level = \u0022ERROR\u0022 }","Distribution":"Random"}}""",
            Json(policy["PolicyDocument"]));
        Assert.Equal("""LogGroupName NOT IN ["/aws/lambda/loki-shipper", "/aws/lambda/noisy", "/ecs/debug"]""", policy["SelectionCriteria"]);
        Assert.Equal("""LogGroupName NOT IN ["/aws/lambda/loki-shipper"]""", withoutExclusions["SelectionCriteria"]);
        Assert.Equal(
            """LogGroupName NOT IN ["/aws/lambda/other-shipper"]""",
            Properties(RenderedTemplate.Render("SubscriptionScope=account", "ShipperLogGroupName=/aws/lambda/other-shipper").Resource("AccountSubscriptionPolicy"))["SelectionCriteria"]);

        // CloudWatch Logs invokes the function for any group of the account: the one invoke permission covers the policy.
        var permission = Properties(rendered.Resource("LogsInvokePermission"));
        Assert.Equal(("logs.amazonaws.com", $"arn:aws:logs:{RenderedTemplate.Region}:{RenderedTemplate.AccountId}:log-group:*"), (permission["Principal"], permission["SourceArn"]));
    }

    [Fact]
    public void In_account_scope_with_kinesis_the_policy_names_the_stream_and_the_role_that_writes_to_it()
    {
        var rendered = Render("account", "kinesis");
        var policy = Properties(rendered.Resource("AccountSubscriptionPolicy"));

        Assert.Equal("loki-shipper-to-loki", policy["PolicyName"]); // the same in both modes: switching updates it in place
        Assert.Equal(
            """{"Fn::ToJsonString":{"DestinationArn":{"Fn::GetAtt":["LogStream","Arn"]},"RoleArn":{"Fn::GetAtt":["LogsToStreamRole","Arn"]},"FilterPattern":"","Distribution":"Random"}}""",
            Json(policy["PolicyDocument"]));
        Assert.DoesNotContain("LogsInvokePermission", rendered.Resources.Keys);
        Assert.Contains("LogsToStreamRole", rendered.Resources.Keys);
    }

    [Fact]
    public void The_account_policy_and_the_sweep_come_after_the_invoke_permission_or_the_stream_and_its_role()
    {
        var policy = Properties(_template.Resource("AccountSubscriptionPolicy"));
        var onboarding = _template.Resource("LogGroupOnboarding");
        var afterPermission = """{"Fn::Select":["0",[{"Fn::GetAtt":["ShipperFunction","Arn"]},{"Ref":"LogsInvokePermission"}]]}""";

        // DependsOn cannot name a resource of one mode only, so the reference in the direct branch orders them.
        Assert.Equal(afterPermission, Json(Map(((List<object?>)Map(policy["PolicyDocument"])["Fn::If"]!)[2])["Fn::ToJsonString"] is Dictionary<string, object?> d ? d["DestinationArn"] : null));
        Assert.Equal($$"""{"Fn::If":["KinesisMode",{"Fn::GetAtt":["LogStream","Arn"]},{{afterPermission}}]}""", Json(Properties(onboarding)["DestinationArn"]));
        Assert.Equal("""{"Fn::If":["KinesisMode",{"Fn::GetAtt":["LogsToStreamRole","Arn"]},""]}""", Json(Properties(onboarding)["RoleArn"]));
        Assert.Equal("LogGroupOnboardingPolicy", onboarding["DependsOn"]);
        Assert.Equal("DirectMode", _template.Resource("LogsInvokePermission")["Condition"]);
        Assert.Equal("Onboards", onboarding["Condition"]);
        Assert.Equal("Onboards", _template.Resource("LogGroupOnboardingPolicy")["Condition"]);
    }

    [Fact]
    public void In_prefixes_scope_the_sweep_custom_resource_carries_exactly_the_onboarding_settings_to_the_function()
    {
        var rendered = Render("prefixes", "direct", "0", "FilterPattern=ERROR");
        var onboarding = rendered.Resource("LogGroupOnboarding");

        Assert.Equal("Custom::LogGroupOnboarding", onboarding["Type"]);
        Assert.Equal(
            """{"ServiceToken":{"Fn::GetAtt":["ShipperFunction","Arn"]},"Scope":"prefixes","LogGroupNames":[],"LogGroupPrefixes":["/aws/lambda/","/ecs/"],"ExcludedLogGroups":["/aws/lambda/noisy","/ecs/debug"],"ShipperLogGroup":"/aws/lambda/loki-shipper","FilterName":"loki-shipper-to-loki","FilterPattern":"ERROR","DestinationArn":{"Fn::GetAtt":["ShipperFunction","Arn"]},"RoleArn":"","RetentionInDays":"0","LowerLongerRetention":"false"}""",
            Json(Properties(onboarding)));
        Assert.Equal(
            """{"ServiceToken":{"Fn::GetAtt":["ShipperFunction","Arn"]},"Scope":"list","LogGroupNames":["/aws/lambda/checkout","/ecs/payments"],"LogGroupPrefixes":[],"ExcludedLogGroups":[],"ShipperLogGroup":"/aws/lambda/loki-shipper","FilterName":"loki-shipper-to-kinesis","FilterPattern":"","DestinationArn":{"Fn::GetAtt":["LogStream","Arn"]},"RoleArn":{"Fn::GetAtt":["LogsToStreamRole","Arn"]},"RetentionInDays":"30","LowerLongerRetention":"true"}""",
            Json(Properties(Render("list", "kinesis", "30", "LowerLongerRetention=true").Resource("LogGroupOnboarding"))));
    }

    [Theory]
    [InlineData("prefixes", "direct", "0")]
    [InlineData("prefixes", "kinesis", "7")]
    [InlineData("account", "kinesis", "30")]
    [InlineData("list", "direct", "60")]
    public void The_custom_resource_and_the_environment_tell_the_function_the_same(string scope, string mode, string retention)
    {
        var rendered = Render(scope, mode, retention, "FilterPattern=ERROR", "LowerLongerRetention=true");
        var properties = Properties(rendered.Resource("LogGroupOnboarding"));
        var variables = Variables(rendered);

        // The function is named after the stack, so the environment can write its ARN without a circular reference.
        Assert.Equal("loki-shipper", Properties(rendered.Resource("ShipperFunction"))["FunctionName"]);
        string Deployed(object? value) =>
            Json(value) == Json(GetAtt("ShipperFunction", "Arn")) ? Json(FunctionArn) : Json(value);

        Assert.Equal(properties["Scope"], variables["SUBSCRIPTION_SCOPE"]);
        Assert.Equal(string.Join(',', AsList(properties["LogGroupPrefixes"])), variables["LOG_GROUP_PREFIXES"]);
        Assert.Equal(string.Join(',', AsList(properties["ExcludedLogGroups"])), variables["EXCLUDED_LOG_GROUPS"]);
        Assert.Equal(properties["FilterName"], variables["SUBSCRIPTION_FILTER_NAME"]);
        Assert.Equal(properties["FilterPattern"], variables["SUBSCRIPTION_FILTER_PATTERN"]);
        Assert.Equal(Deployed(properties["DestinationArn"]), Deployed(variables["SUBSCRIPTION_DESTINATION_ARN"]));
        Assert.Equal(Json(properties["RoleArn"]), Json(variables["SUBSCRIPTION_ROLE_ARN"]));
        Assert.Equal(properties["RetentionInDays"], variables["RETENTION_IN_DAYS"]);
        Assert.Equal(properties["LowerLongerRetention"], variables["RETENTION_LOWERS_LONGER"]);
        Assert.Equal("/aws/lambda/loki-shipper", properties["ShipperLogGroup"]);
    }

    [Fact]
    public void The_environment_names_the_filter_and_its_destination_as_the_stacks_own_filters_do()
    {
        var direct = Variables(Render("prefixes", "direct"));
        var kinesis = Variables(Render("prefixes", "kinesis"));
        var listDirect = RenderedTemplate.Render(Groups);
        var listKinesis = RenderedTemplate.Render(Groups, "IngestionMode=kinesis");

        Assert.Equal(Properties(listDirect.Resource("Subscriptionecspayments"))["FilterName"], direct["SUBSCRIPTION_FILTER_NAME"]);
        Assert.Equal(Properties(listKinesis.Resource("StreamSubscriptionecspayments"))["FilterName"], kinesis["SUBSCRIPTION_FILTER_NAME"]);
        Assert.Equal(("loki-shipper-to-loki", "loki-shipper-to-kinesis"), (direct["SUBSCRIPTION_FILTER_NAME"], kinesis["SUBSCRIPTION_FILTER_NAME"]));
        Assert.Equal((FunctionArn, ""), (direct["SUBSCRIPTION_DESTINATION_ARN"], direct["SUBSCRIPTION_ROLE_ARN"]));
        Assert.Equal(Json(Properties(listKinesis.Resource("StreamSubscriptionecspayments"))["DestinationArn"]), Json(kinesis["SUBSCRIPTION_DESTINATION_ARN"]));
        Assert.Equal(Json(Properties(listKinesis.Resource("StreamSubscriptionecspayments"))["RoleArn"]), Json(kinesis["SUBSCRIPTION_ROLE_ARN"]));
        Assert.Equal(("/aws/lambda/,/ecs/", "/aws/lambda/noisy,/ecs/debug"), (direct["LOG_GROUP_PREFIXES"], direct["EXCLUDED_LOG_GROUPS"]));
        Assert.Equal(("list", "", "", "0", "false"), (Variables(listDirect)["SUBSCRIPTION_SCOPE"], Variables(listDirect)["LOG_GROUP_PREFIXES"], Variables(listDirect)["EXCLUDED_LOG_GROUPS"], Variables(listDirect)["RETENTION_IN_DAYS"], Variables(listDirect)["RETENTION_LOWERS_LONGER"]));
    }

    [Fact]
    public void New_log_groups_reach_the_function_through_CloudTrails_CreateLogGroup_events_on_the_default_bus()
    {
        var rendered = Render("prefixes", "kinesis");
        var rule = Properties(rendered.Resource("NewLogGroupRule"));
        var permission = Properties(rendered.Resource("NewLogGroupInvokePermission"));

        Assert.Equal(
            """{"source":["aws.logs"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["logs.amazonaws.com"],"eventName":["CreateLogGroup"]}}""",
            Json(rule["EventPattern"]));
        Assert.Equal("ENABLED", rule["State"]);
        Assert.False(rule.ContainsKey("EventBusName")); // CloudTrail's events arrive on the default bus
        Assert.Equal(Json(GetAtt("ShipperFunction", "Arn")), Json(Map(Assert.Single(AsList(rule["Targets"])))["Arn"]));
        Assert.Contains("CloudTrail", (string)rule["Description"]!, StringComparison.Ordinal);
        Assert.Contains("trail", (string)rule["Description"]!, StringComparison.Ordinal);
        Assert.Equal(
            """{"Action":"lambda:InvokeFunction","FunctionName":{"Fn::GetAtt":["ShipperFunction","Arn"]},"Principal":"events.amazonaws.com","SourceArn":{"Fn::GetAtt":["NewLogGroupRule","Arn"]}}""",
            Json(permission));
        Assert.DoesNotContain("NewLogGroupRule", Render("list", "direct", "30").Resources.Keys); // the listed groups exist already
    }

    [Fact]
    public void A_hub_admits_the_spoke_accounts_to_a_destination_on_its_stream()
    {
        var rendered = RenderedTemplate.Render("IngestionMode=kinesis", "SpokeAccountIds=222222222222,333333333333");
        var destination = Properties(rendered.Resource("HubDestination"));
        var trust = Statements(Map(Properties(rendered.Resource("LogsToStreamRole"))["AssumeRolePolicyDocument"]));

        Assert.Equal(("loki-shipper-hub", Json(GetAtt("LogStream", "Arn")), Json(GetAtt("LogsToStreamRole", "Arn"))), (destination["DestinationName"], Json(destination["TargetArn"]), Json(destination["RoleArn"])));
        Assert.Equal(
            $$"""{"Version":"2012-10-17","Statement":[{"Sid":"SpokeAccountsSubscribe","Effect":"Allow","Principal":{"AWS":["222222222222","333333333333"]},"Action":["logs:PutSubscriptionFilter","logs:PutAccountPolicy"],"Resource":"arn:aws:logs:{{RenderedTemplate.Region}}:{{RenderedTemplate.AccountId}}:destination:loki-shipper-hub"}]}""",
            destination["DestinationPolicy"]);
        Assert.Equal(
            $$$$"""[{"Sid":"ThisAccountsLogGroups","Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"aws:SourceArn":"arn:aws:logs:{{{{RenderedTemplate.Region}}}}:{{{{RenderedTemplate.AccountId}}}}:*"}}},{"Sid":"SpokeLogGroups","Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"aws:SourceArn":"arn:aws:logs:{{{{RenderedTemplate.Region}}}}:*"},"StringEquals":{"aws:SourceAccount":["222222222222","333333333333"]}}}]""",
            Json(trust));
        Assert.Equal(Json(GetAtt("HubDestination", "Arn")), Json(Map(rendered.Outputs["HubDestinationArn"])["Value"]));
        Assert.Contains("ShipperRoleArn", rendered.Outputs.Keys); // for the spokes' buckets
    }

    [Fact]
    public void A_hub_for_an_organization_admits_its_accounts_by_organization_id()
    {
        var rendered = RenderedTemplate.Render("IngestionMode=kinesis", "SpokeOrganizationId=o-a1b2c3d4e5");
        var destination = Properties(rendered.Resource("HubDestination"));
        var spokes = Statements(Map(Properties(rendered.Resource("LogsToStreamRole"))["AssumeRolePolicyDocument"]))[1];

        Assert.Equal(
            $$$$"""{"Version":"2012-10-17","Statement":[{"Sid":"SpokeOrganizationSubscribes","Effect":"Allow","Principal":"*","Action":["logs:PutSubscriptionFilter","logs:PutAccountPolicy"],"Resource":"arn:aws:logs:{{{{RenderedTemplate.Region}}}}:{{{{RenderedTemplate.AccountId}}}}:destination:loki-shipper-hub","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}""",
            destination["DestinationPolicy"]);
        Assert.Equal("""{"StringLike":{"aws:SourceArn":"arn:aws:logs:eu-west-1:*"},"StringEquals":{"aws:SourceOrgID":"o-a1b2c3d4e5"}}""", Json(spokes["Condition"]));
    }

    [Fact]
    public void Without_spokes_there_is_no_destination_and_the_stream_role_trusts_this_account_only()
    {
        var rendered = RenderedTemplate.Render("IngestionMode=kinesis");

        Assert.DoesNotContain("HubDestination", rendered.Resources.Keys);
        Assert.DoesNotContain("HubDestinationArn", rendered.Outputs.Keys);
        Assert.Equal("ThisAccountsLogGroups", Assert.Single(Statements(Map(Properties(rendered.Resource("LogsToStreamRole"))["AssumeRolePolicyDocument"])))["Sid"]);
    }

    [Theory]
    [InlineData(new[] { "SubscriptionScope=prefixes" }, "PrefixesScopeNeedsLogGroupPrefixes")]
    [InlineData(new[] { "SubscriptionScope=prefixes", "LogGroupPrefixes=/aws/lambda/," }, "PrefixesScopeNeedsLogGroupPrefixes")] // "" is every group
    [InlineData(new[] { "SubscriptionScope=account", Groups }, "LogGroupNamesOnlyWithListScope")]
    [InlineData(new[] { "SubscriptionScope=prefixes", Prefixes, Groups }, "LogGroupNamesOnlyWithListScope")]
    [InlineData(new[] { "SubscriptionScope=account", Prefixes }, "LogGroupPrefixesOnlyWithPrefixesScope")]
    [InlineData(new[] { Groups, Prefixes }, "LogGroupPrefixesOnlyWithPrefixesScope")]
    [InlineData(new[] { Groups, Excluded }, "ExcludedLogGroupsNeedAccountOrPrefixesScope")]
    [InlineData(new[] { "SubscriptionScope=account", "ExcludedLogGroups=/a,,/b" }, "ExcludedLogGroupsNeedAccountOrPrefixesScope")]
    [InlineData(new[] { "SpokeAccountIds=222222222222" }, "SpokesNeedKinesis")]
    [InlineData(new[] { "SpokeOrganizationId=o-a1b2c3d4e5" }, "SpokesNeedKinesis")]
    [InlineData(new[] { "IngestionMode=kinesis", "SpokeAccountIds=222222222222", "SpokeOrganizationId=o-a1b2c3d4e5" }, "SpokesNeedKinesis")]
    [InlineData(new[] { "IngestionMode=kinesis", "SpokeAccountIds=222222222222," }, "SpokesNeedKinesis")]
    public void Rules_refuse_lists_of_another_scope_and_spokes_without_a_stream(string[] values, string rule)
    {
        Assert.Equal([rule], RenderedTemplate.Render(values).FailedRules);
    }

    [Fact]
    public void RetentionInDays_takes_zero_or_what_PutRetentionPolicy_accepts()
    {
        var retention = Map(_template.Parameters["RetentionInDays"]);
        var ownLogGroup = Map(_template.Parameters["LogRetentionInDays"]); // the values the API accepts, as the shipper's own group has them

        Assert.Equal(("Number", "0"), (retention["Type"], retention["Default"]));
        Assert.Equal(["0", .. AsList(ownLogGroup["AllowedValues"])], AsList(retention["AllowedValues"]));
        Assert.Equal(["list", "account", "prefixes"], AsList(Map(_template.Parameters["SubscriptionScope"])["AllowedValues"]));
        Assert.Equal("list", Map(_template.Parameters["SubscriptionScope"])["Default"]); // today's behaviour
        Assert.Equal(("false", "true,false"), ((string?)Map(_template.Parameters["LowerLongerRetention"])["Default"], string.Join(',', AsList(Map(_template.Parameters["LowerLongerRetention"])["AllowedValues"]))));
    }

    [Theory]
    [InlineData("SpokeAccountIds", "", true)]
    [InlineData("SpokeAccountIds", "222222222222", true)]
    [InlineData("SpokeAccountIds", "22222222222", false)]
    [InlineData("SpokeAccountIds", "o-a1b2c3d4e5", false)]
    [InlineData("SpokeOrganizationId", "", true)]
    [InlineData("SpokeOrganizationId", "o-a1b2c3d4e5", true)]
    [InlineData("SpokeOrganizationId", "o-abc", false)]
    [InlineData("SpokeOrganizationId", "r-a1b2c3d4e5", false)]
    [InlineData("LogGroupPrefixes", "/aws/lambda/", true)]
    [InlineData("LogGroupPrefixes", "", true)]
    [InlineData("LogGroupPrefixes", "/aws/lambda/*", false)]
    [InlineData("ExcludedLogGroups", "/ecs/debug#1", true)]
    [InlineData("ExcludedLogGroups", "a\"b", false)] // it goes between quotes in the account policy's SelectionCriteria
    public void Patterns_admit_each_entry_CloudFormation_checks_them_against(string parameter, string entry, bool admitted)
    {
        var pattern = (string)Map(_template.Parameters[parameter])["AllowedPattern"]!;

        Assert.Equal(admitted, Regex.IsMatch(entry, pattern)); // for a CommaDelimitedList, CloudFormation matches each entry
    }

    /// <summary>Compares template fragments by their JSON form.</summary>
    private sealed class JsonEquality : IEqualityComparer<object?>
    {
        public new bool Equals(object? x, object? y) => Json(x) == Json(y);

        public int GetHashCode(object? obj) => Json(obj).GetHashCode(StringComparison.Ordinal);
    }
}
