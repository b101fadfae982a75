using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Moq;
using Match = System.Text.RegularExpressions.Match;
using static LokiShipper.Tests.Support.CloudFormationTemplate;
using LokiShipper.Configuration;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Deployment;

/// <summary>Keeps template.yaml honest against the code it deploys and the docs/ pages that document it.</summary>
public partial class TemplateTests
{
    /// <summary>Variables Lambda sets itself; a template may not set them (they are reserved).</summary>
    private static readonly string[] SetByLambda = ["AWS_REGION", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_FUNCTION_NAME"];

    private readonly CloudFormationTemplate _template = Load();

    private Dictionary<string, object?> Function => _template.Resource("ShipperFunction");

    private Dictionary<string, object?> FunctionProperties => Properties(Function);

    private Dictionary<string, object?> EnvironmentVariables =>
        (Dictionary<string, object?>)((Dictionary<string, object?>)FunctionProperties["Environment"]!)["Variables"]!;

    [Fact]
    public void The_handler_is_the_executable_assembly_the_project_builds()
    {
        var project = XDocument.Load(RepoFiles.Path("src/LokiShipper/LokiShipper.csproj"));
        string? Property(string name) => project.Descendants(name).Select(e => e.Value).FirstOrDefault();

        Assert.Equal("Exe", Property("OutputType"));
        Assert.Equal(Property("AssemblyName"), FunctionProperties["Handler"]);
        Assert.Equal("src/LokiShipper/", FunctionProperties["CodeUri"]);
        Assert.Equal(Property("AssemblyName"), LambdaToolsDefaults().GetProperty("function-handler").GetString());
    }

    [Fact]
    public void The_runtime_and_architecture_match_the_project()
    {
        var targetFramework = XDocument.Load(RepoFiles.Path("Directory.Build.props")).Descendants("TargetFramework").Single().Value;
        var architecture = (Dictionary<string, object?>)_template.Parameters["Architecture"]!;

        Assert.Equal("net10.0", targetFramework);
        Assert.Equal("dotnet" + targetFramework["net".Length..].Split('.')[0], FunctionProperties["Runtime"]);
        Assert.Equal(FunctionProperties["Runtime"], LambdaToolsDefaults().GetProperty("function-runtime").GetString());
        Assert.Equal([Ref("Architecture")], (List<object?>)FunctionProperties["Architectures"]!);
        Assert.Equal("arm64", architecture["Default"]);
        Assert.Equal(["arm64", "x86_64"], (List<object?>)architecture["AllowedValues"]!);
        Assert.Equal("arm64", LambdaToolsDefaults().GetProperty("function-architecture").GetString());
    }

    /// <summary>lambda-promtail variables the function recognises only to ignore or refuse them (docs/migration.md).</summary>
    private static readonly string[] LambdaPromtailOnly = [.. ShipperOptionsParser.IgnoredLambdaPromtailVariables, ShipperOptionsParser.RelabelConfigs];

    /// <summary>Variables the stack sets from what it creates or its own name (not from one parameter), and from what.</summary>
    private static readonly Dictionary<string, string> SetByStack = new()
    {
        ["S3_CONTINUATION_QUEUE_URL"] = "S3ContinuationQueue",
        ["SUBSCRIPTION_FILTER_NAME"] = "the stack name and IngestionMode",
        ["SUBSCRIPTION_DESTINATION_ARN"] = "the function's ARN, or LogStream",
        ["SUBSCRIPTION_ROLE_ARN"] = "LogsToStreamRole",
    };

    /// <summary>
    /// What the stack tells the function for onboarding log groups (SubscriptionScope, RetentionInDays). The function
    /// reads them once its onboarding side is in; until then they are set here all the same.
    /// </summary>
    internal static readonly string[] OnboardingVariables =
    [
        "SUBSCRIPTION_SCOPE", "LOG_GROUP_PREFIXES", "EXCLUDED_LOG_GROUPS", "SUBSCRIPTION_FILTER_NAME", "SUBSCRIPTION_FILTER_PATTERN",
        "SUBSCRIPTION_DESTINATION_ARN", "SUBSCRIPTION_ROLE_ARN", "RETENTION_IN_DAYS", "RETENTION_LOWERS_LONGER",
    ];

    /// <summary>Earlier names of ours the function still reads; the template sets their successors instead.</summary>
    private static readonly string[] Replaced = [ShipperOptionsParser.JsonStructuredMetadata];

    [Fact]
    public async Task The_template_sets_exactly_the_variables_the_function_reads_except_those_Lambda_sets()
    {
        var read = await VariablesReadAtColdStart();

        Assert.Equal(
            read.Except(SetByLambda).Except(LambdaPromtailOnly).Except(Replaced).Union(OnboardingVariables).Order(StringComparer.Ordinal),
            EnvironmentVariables.Keys.Order(StringComparer.Ordinal));
        Assert.All(SetByLambda, name => Assert.Contains(name, read));
    }

    [Fact]
    public async Task Every_variable_is_in_the_documented_configuration_table_with_the_templates_default()
    {
        var documented = DocumentedConfigurationDefaults();

        foreach (var name in (await VariablesReadAtColdStart()).Except(LambdaPromtailOnly))
        {
            Assert.True(documented.TryGetValue(name, out var documentedDefault), $"docs/configuration.md's table has no row for {name}");
            if (SetByLambda.Contains(name))
            {
                Assert.Equal("set by Lambda", documentedDefault);
                continue;
            }

            if (Replaced.Contains(name))
            {
                Assert.Equal("(none)", documentedDefault);
                continue;
            }

            if (SetByStack.ContainsKey(name))
            {
                Assert.Equal("set by the stack", documentedDefault);
                continue;
            }

            var parameter = ParameterBehind(name);
            var templateDefault = parameter.TryGetValue("Default", out var value) ? (string?)value : null;
            Assert.True(
                documentedDefault == "(none)" ? string.IsNullOrEmpty(templateDefault) : documentedDefault == $"`{templateDefault}`",
                $"{name}: docs/configuration.md says the default is {documentedDefault}, the template's is '{templateDefault}'");
        }
    }

    [Fact]
    public void The_migration_guide_names_every_lambda_promtail_variable_the_function_ignores_or_refuses()
    {
        var migration = DocsPage("migration.md");
        Assert.StartsWith("# Migrating from lambda-promtail\n", migration, StringComparison.Ordinal);

        Assert.All(LambdaPromtailOnly, name => Assert.Contains($"`{name}`", migration, StringComparison.Ordinal));
    }

    [Fact]
    public void The_templates_defaults_configure_the_function_exactly_as_its_own_defaults()
    {
        const string Address = "https://loki.example.com";
        // The stack's own resources do not exist with the defaults (no S3 buckets): those variables are empty.
        var fromTemplate = EnvironmentVariables.Where(pair => !SetByStack.ContainsKey(pair.Key)).ToDictionary(
            pair => pair.Key,
            pair => pair.Key == "WRITE_ADDRESS" ? Address : (string?)ParameterBehind(pair.Key).GetValueOrDefault("Default"));

        var templateOptions = ShipperOptionsParser.Parse(fromTemplate.GetValueOrDefault);
        var codeOptions = TestOptions.From(("WRITE_ADDRESS", Address));

        foreach (var property in typeof(ShipperOptions).GetProperties())
        {
            var (a, b) = (property.GetValue(templateOptions), property.GetValue(codeOptions));
            var same = a is IEnumerable left and not string && b is IEnumerable right
                ? left.Cast<object>().SequenceEqual(right.Cast<object>())
                : Equals(a, b);
            Assert.True(same, $"{property.Name}: the template's defaults give {a}, the function's own default is {b}");
        }
    }

    [Fact]
    public void Every_allowed_value_and_bound_of_a_parameter_is_accepted_by_the_function()
    {
        var checkedValues = 0;
        foreach (var (variable, _) in EnvironmentVariables.Where(pair => !SetByStack.ContainsKey(pair.Key)))
        {
            var parameter = ParameterBehind(variable);
            var values = new List<string>();
            if (parameter.GetValueOrDefault("AllowedValues") is List<object?> allowed)
            {
                values.AddRange(allowed.Cast<string>());
            }

            values.AddRange(new[] { "MinValue", "MaxValue" }.Select(bound => parameter.GetValueOrDefault(bound)).OfType<string>());
            foreach (var value in values)
            {
                var exception = Record.Exception(() => TestOptions.From([("WRITE_ADDRESS", "https://loki.example.com"), (variable, value), .. NeededWith(variable, value)]));
                Assert.True(exception is null, $"{variable}={value} is allowed by the template but the function refuses it: {exception?.Message}");
                checkedValues++;
            }
        }

        Assert.True(checkedValues >= 20, $"only {checkedValues} values checked");
    }

    /// <summary>
    /// What a value needs beside it, as the template's rules require (prefix scope: LogGroupPrefixes) and the stack
    /// sets (the filter name and destination).
    /// </summary>
    private static (string, string)[] NeededWith(string variable, string value) => (variable, value) switch
    {
        ("SUBSCRIPTION_SCOPE", "prefixes") =>
        [
            ("LOG_GROUP_PREFIXES", "/aws/lambda/"),
            ("SUBSCRIPTION_FILTER_NAME", "loki-shipper-to-loki"),
            ("SUBSCRIPTION_DESTINATION_ARN", "arn:aws:lambda:eu-west-1:111122223333:function:loki-shipper"),
        ],
        _ => [],
    };

    [Fact]
    public void Every_parameter_is_used_and_shown_in_a_parameter_group()
    {
        var sections = new[] { "Resources", "Conditions", "Rules", "Outputs" }.Select(_template.Section).ToList();
        var used = sections.SelectMany(section => ReferencedNames(section)).ToHashSet(StringComparer.Ordinal);
        var interfaceMetadata = (Dictionary<string, object?>)_template.Section("Metadata")["AWS::CloudFormation::Interface"]!;
        var grouped = ((List<object?>)interfaceMetadata["ParameterGroups"]!)
            .Cast<Dictionary<string, object?>>()
            .SelectMany(group => ((List<object?>)group["Parameters"]!).Cast<string>())
            .ToList();

        Assert.All(_template.Parameters.Keys, name => Assert.True(used.Contains(name), $"parameter {name} is never used"));
        Assert.Equal(_template.Parameters.Keys.Order(StringComparer.Ordinal), grouped.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The only statements allowed on every resource, and their actions: those AWS gives no resource type (the Service
    /// Authorization Reference), each with a comment in the template saying so.
    /// </summary>
    internal static readonly Dictionary<string, string[]> JustifiedEveryResource = new(StringComparer.Ordinal)
    {
        ["FindLogGroups"] = ["logs:DescribeLogGroups"],
    };

    [Fact]
    public void No_IAM_statement_allows_every_resource_or_every_action_of_a_service()
    {
        var statements = _template.PolicyStatements().ToList();
        var allows = statements.Where(s => Equals(s["Effect"], "Allow")).ToList();

        Assert.True(allows.Count >= 6, $"found only {allows.Count} Allow statements");
        foreach (var statement in allows)
        {
            var sid = statement.GetValueOrDefault("Sid") ?? "(no Sid)";
            Assert.True(statement.ContainsKey("Principal") || statement.ContainsKey("Resource"), $"{sid} has no Resource");
            if (statement.TryGetValue("Resource", out var resource) && AsList(resource).Contains("*"))
            {
                Assert.True(sid is string name && JustifiedEveryResource.TryGetValue(name, out var actions), $"{sid} allows every resource");
                Assert.Equal(JustifiedEveryResource[(string)sid], AsList(statement["Action"]));
                Assert.Equal("*", resource);
            }

            Assert.All(AsList(statement["Action"]), action =>
                Assert.False(action is string text && (text == "*" || text.EndsWith(":*", StringComparison.Ordinal)), $"{sid} allows {action}"));
        }
    }

    [Fact]
    public void The_function_uses_its_own_role_which_writes_only_to_its_own_log_group()
    {
        var role = Properties(_template.Resource("ShipperRole"));
        var managed = AsList(role["ManagedPolicyArns"]);
        var writeLogs = _template.PolicyStatements().Single(s => Equals(s.GetValueOrDefault("Sid"), "WriteOwnLogGroup"));

        Assert.Equal(GetAtt("ShipperRole", "Arn"), FunctionProperties["Role"]);
        Assert.False(FunctionProperties.ContainsKey("Policies"), "with an explicit role, SAM ignores Policies");
        Assert.Equal(GetAtt("ShipperLogGroup", "Arn"), writeLogs["Resource"]);
        Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents"], AsList(writeLogs["Action"]));

        // The only managed policy: ENI management for the VPC, attached only when SubnetIds is set.
        var vpcPolicy = Assert.IsType<Dictionary<string, object?>>(Assert.Single(managed));
        var branches = (List<object?>)vpcPolicy["Fn::If"]!;
        Assert.Equal("InVpc", branches[0]);
        Assert.Contains("policy/service-role/AWSLambdaVPCAccessExecutionRole", (string)((Dictionary<string, object?>)branches[1]!)["Fn::Sub"]!, StringComparison.Ordinal);
        Assert.Equal(Ref("AWS::NoValue"), branches[2]);
    }

    [Fact]
    public void Credentials_given_as_ARNs_are_readable_by_exactly_those_ARNs()
    {
        var read = _template.PolicyStatements().Single(s => Equals(s.GetValueOrDefault("Sid"), "ReadLokiCredentials"));

        Assert.Equal(["secretsmanager:GetSecretValue", "ssm:GetParameter"], AsList(read["Action"]));
        Assert.Equal(
            SecretResolver.SecretVariables.Select(variable =>
            {
                var parameter = ParameterNameBehind(variable);
                return (object?)new Dictionary<string, object?> { ["Fn::If"] = new List<object?> { parameter + "IsArn", Ref(parameter), Ref("AWS::NoValue") } };
            }),
            AsList(read["Resource"]),
            new JsonEquality());

        foreach (var variable in SecretResolver.SecretVariables)
        {
            var parameter = ParameterNameBehind(variable);
            var isArn = JsonSerializer.Serialize(_template.Conditions[parameter + "IsArn"]);
            Assert.Equal($$"""{"Fn::Equals":[{"Fn::Select":["0",{"Fn::Split":[":",{"Ref":"{{parameter}}"}]}]},"arn"]}""", isArn);
        }

        Assert.Equal("true", ((Dictionary<string, object?>)_template.Parameters["Password"]!)["NoEcho"]);
        Assert.Equal("true", ((Dictionary<string, object?>)_template.Parameters["BearerToken"]!)["NoEcho"]);
    }

    /// <summary>The <c>Fn::ForEach::NAME</c> loop: its identifier, its collection, and the one resource it makes.</summary>
    private (string LoopVariable, object? Collection, string LogicalId, Dictionary<string, object?> Resource) ForEach(string name) =>
        ((List<object?>)_template.Resources["Fn::ForEach::" + name]!) switch
        {
            [string variable, var collection, Dictionary<string, object?> fragment] when fragment.Count == 1 =>
                (variable, collection, fragment.Keys.Single(), (Dictionary<string, object?>)fragment.Values.Single()!),
            _ => throw new InvalidDataException("Fn::ForEach takes [identifier, collection, {one resource}]"),
        };

    [Fact]
    public void Every_listed_log_group_gets_a_subscription_filter_to_the_function()
    {
        var (loopVariable, collection, logicalId, filter) = ForEach("Subscriptions");
        var properties = Properties(filter);
        var permission = Properties(_template.Resource("LogsInvokePermission"));

        Assert.Equal(Ref("LogGroupNames"), collection);
        Assert.Equal($"Subscription&{{{loopVariable}}}", logicalId);
        Assert.Equal("AWS::Logs::SubscriptionFilter", filter["Type"]);
        Assert.Equal("SubscribesDirectly", filter["Condition"]);
        Assert.Equal("""{"Fn::And":[{"Condition":"DirectMode"},{"Condition":"HasLogGroups"}]}""", JsonSerializer.Serialize(_template.Conditions["SubscribesDirectly"]));
        Assert.Equal("DirectMode", _template.Resource("LogsInvokePermission")["Condition"]);
        Assert.Equal("LogsInvokePermission", filter["DependsOn"]);
        Assert.Equal(Ref(loopVariable), properties["LogGroupName"]);
        Assert.Equal(Ref("FilterPattern"), properties["FilterPattern"]);
        Assert.Equal(GetAtt("ShipperFunction", "Arn"), properties["DestinationArn"]);

        Assert.Equal("logs.amazonaws.com", permission["Principal"]);
        Assert.Equal(Ref("AWS::AccountId"), permission["SourceAccount"]);
        Assert.Equal(
            new Dictionary<string, object?> { ["Fn::Sub"] = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*" },
            permission["SourceArn"],
            new JsonEquality());
    }

    [Fact]
    public void In_kinesis_mode_log_groups_write_to_a_stream_that_the_function_reads_with_partial_failures()
    {
        var (loopVariable, collection, logicalId, filter) = ForEach("StreamSubscriptions");
        var properties = Properties(filter);
        var stream = _template.Resource("LogStream");
        var mapping = _template.Resource("StreamMapping");
        var mappingProperties = Properties(mapping);
        var writeRole = Properties(_template.Resource("LogsToStreamRole"));
        var put = _template.PolicyStatements().Single(s => Equals(s.GetValueOrDefault("Sid"), "PutLogRecords"));
        var read = _template.PolicyStatements().Single(s => Equals(s.GetValueOrDefault("Sid"), "ReadLogStream"));

        Assert.Equal(Ref("LogGroupNames"), collection);
        Assert.Equal($"StreamSubscription&{{{loopVariable}}}", logicalId);
        Assert.Equal("SubscribesToStream", filter["Condition"]);
        Assert.All(new[] { stream, mapping, _template.Resource("LogsToStreamRole") }, r => Assert.Equal("KinesisMode", r["Condition"]));
        Assert.Equal(GetAtt("LogStream", "Arn"), properties["DestinationArn"]);
        Assert.Equal(GetAtt("LogsToStreamRole", "Arn"), properties["RoleArn"]);
        Assert.NotEqual(
            JsonSerializer.Serialize(Properties(ForEach("Subscriptions").Resource)["FilterName"]),
            JsonSerializer.Serialize(properties["FilterName"])); // switching modes must not delete the new filter by name

        Assert.Equal("""{"Fn::Equals":[{"Ref":"IngestionMode"},"kinesis"]}""", JsonSerializer.Serialize(_template.Conditions["KinesisMode"]));
        Assert.Equal("direct", ((Dictionary<string, object?>)_template.Parameters["IngestionMode"]!)["Default"]);
        Assert.Equal(Ref("KinesisRetentionHours"), Properties(stream)["RetentionPeriodHours"]);
        Assert.Equal("KMS", ((Dictionary<string, object?>)Properties(stream)["StreamEncryption"]!)["EncryptionType"]);

        Assert.Equal(GetAtt("LogStream", "Arn"), mappingProperties["EventSourceArn"]);
        Assert.Equal(Ref("ShipperFunction"), mappingProperties["FunctionName"]);
        Assert.Equal(["ReportBatchItemFailures"], (List<object?>)mappingProperties["FunctionResponseTypes"]!);
        Assert.Equal("true", mappingProperties["BisectBatchOnFunctionError"]);
        Assert.Equal("TRIM_HORIZON", mappingProperties["StartingPosition"]);
        Assert.Equal(Ref("KinesisMaximumRetryAttempts"), mappingProperties["MaximumRetryAttempts"]);
        Assert.Equal(Ref("KinesisParallelizationFactor"), mappingProperties["ParallelizationFactor"]);
        Assert.Equal(GetAtt("FailureQueue", "Arn"), ((Dictionary<string, object?>)((Dictionary<string, object?>)mappingProperties["DestinationConfig"]!)["OnFailure"]!)["Destination"]);
        Assert.Equal("-1", ((Dictionary<string, object?>)_template.Parameters["KinesisMaximumRetryAttempts"]!)["Default"]); // ride out a Loki outage

        // CloudWatch Logs may put records into this stream only; the function may read this stream only.
        Assert.Equal("kinesis:PutRecord", put["Action"]);
        Assert.Equal(GetAtt("LogStream", "Arn"), put["Resource"]);
        Assert.Contains("logs.amazonaws.com", JsonSerializer.Serialize(writeRole["AssumeRolePolicyDocument"]), StringComparison.Ordinal);
        Assert.Contains("aws:SourceArn", JsonSerializer.Serialize(writeRole["AssumeRolePolicyDocument"]), StringComparison.Ordinal);
        Assert.Equal(GetAtt("LogStream", "Arn"), read["Resource"]);
        Assert.All(AsList(read["Action"]), action => Assert.StartsWith("kinesis:", (string)action!, StringComparison.Ordinal));
    }

    [Fact]
    public void The_shippers_own_log_group_cannot_be_subscribed()
    {
        var rule = (Dictionary<string, object?>)_template.Rules["ShipperLogGroupIsNotSubscribed"]!;
        var assertion = (Dictionary<string, object?>)((List<object?>)rule["Assertions"]!)[0]!;
        var ownLogGroup = Properties(_template.Resource("ShipperLogGroup"));

        Assert.False(rule.ContainsKey("RuleCondition"), "the rule must always apply");
        Assert.Equal(
            """{"Fn::Not":[{"Fn::Contains":[{"Ref":"LogGroupNames"},{"Ref":"ShipperLogGroupName"}]}]}""",
            JsonSerializer.Serialize(assertion["Assert"]));
        Assert.Equal(Ref("ShipperLogGroupName"), ownLogGroup["LogGroupName"]);
        Assert.Equal(Ref("LogRetentionInDays"), ownLogGroup["RetentionInDays"]);
        Assert.Equal(Ref("ShipperLogGroup"), ((Dictionary<string, object?>)FunctionProperties["LoggingConfig"]!)["LogGroup"]);
    }

    [Fact]
    public void Failed_events_go_to_an_encrypted_queue_kept_14_days_and_can_be_replayed()
    {
        var invokeConfig = (Dictionary<string, object?>)FunctionProperties["EventInvokeConfig"]!;
        var onFailure = (Dictionary<string, object?>)((Dictionary<string, object?>)invokeConfig["DestinationConfig"]!)["OnFailure"]!;
        var queue = Properties(_template.Resource("FailureQueue"));
        var deadLetter = Properties(_template.Resource("FailureDeadLetterQueue"));
        var redrive = Properties((Dictionary<string, object?>)((Dictionary<string, object?>)FunctionProperties["Events"]!)["Redrive"]!);
        var timeout = (Dictionary<string, object?>)_template.Parameters["Timeout"]!;

        Assert.Equal(Ref("MaximumRetryAttempts"), invokeConfig["MaximumRetryAttempts"]);
        Assert.Equal(Ref("MaximumEventAgeInSeconds"), invokeConfig["MaximumEventAgeInSeconds"]);
        Assert.Equal(("SQS", GetAtt("FailureQueue", "Arn")), (onFailure["Type"], onFailure["Destination"]), new JsonEquality<(object?, object?)>());
        foreach (var q in new[] { queue, deadLetter })
        {
            Assert.Equal("true", q["SqsManagedSseEnabled"]);
            Assert.Equal("1209600", q["MessageRetentionPeriod"]);
        }

        // They hold lines not yet in Loki: deleting or replacing the stack must not delete them.
        Assert.All(new[] { "FailureQueue", "FailureDeadLetterQueue" }, id =>
            Assert.Equal(("Retain", "Retain"), (_template.Resource(id)["DeletionPolicy"], _template.Resource(id)["UpdateReplacePolicy"])));

        // Lambda's SQS mapping wants a visibility timeout of at least six times the function timeout.
        Assert.True(int.Parse((string)queue["VisibilityTimeout"]!, CultureInfo.InvariantCulture) >= 6 * int.Parse((string)timeout["MaxValue"]!, CultureInfo.InvariantCulture));
        Assert.Equal(GetAtt("FailureQueue", "Arn"), redrive["Queue"]);
        Assert.Equal(["ReportBatchItemFailures"], (List<object?>)redrive["FunctionResponseTypes"]!);
        Assert.Equal("""{"Fn::If":["RedriveOn","true","false"]}""", JsonSerializer.Serialize(redrive["Enabled"]));
        Assert.Equal("""{"Fn::Equals":[{"Ref":"RedriveEnabled"},"true"]}""", JsonSerializer.Serialize(_template.Conditions["RedriveOn"]));
        Assert.Equal("false", ((Dictionary<string, object?>)_template.Parameters["RedriveEnabled"]!)["Default"]);
    }

    [Fact]
    public void Alarms_watch_errors_throttles_lost_events_and_every_queue()
    {
        var alarms = _template.Resources.Where(r => r.Value is Dictionary<string, object?> resource && Equals(resource["Type"], "AWS::CloudWatch::Alarm"))
            .ToDictionary(r => r.Key, r => (Dictionary<string, object?>)r.Value!);
        string[] s3Alarms = ["S3NotificationAgeAlarm", "S3NotificationDeadLetterDepthAlarm"];

        Assert.Equal(
            ["AWS/Lambda DestinationDeliveryFailures", "AWS/Lambda Errors", "AWS/Lambda IteratorAge", "AWS/Lambda Throttles", "AWS/SQS ApproximateAgeOfOldestMessage", "AWS/SQS ApproximateNumberOfMessagesVisible", "AWS/SQS ApproximateNumberOfMessagesVisible", "AWS/SQS ApproximateNumberOfMessagesVisible", "AWS/SQS ApproximateNumberOfMessagesVisible", "LokiShipper InvalidRecords"],
            alarms.Values.Select(a => $"{Properties(a)["Namespace"]} {Properties(a)["MetricName"]}").Order(StringComparer.Ordinal));
        Assert.Equal(LokiShipper.Function.EmbeddedMetrics.Namespace, Properties(_template.Resource("InvalidRecordsAlarm"))["Namespace"]);
        Assert.Equal("KinesisAlarmsOn", _template.Resource("StreamIteratorAgeAlarm")["Condition"]);
        Assert.All(s3Alarms, id => Assert.Equal("S3QueueAlarmsOn", alarms[id]["Condition"]));
        Assert.Equal("""{"Fn::And":[{"Condition":"S3ViaQueue"},{"Condition":"AlarmsOn"}]}""", JsonSerializer.Serialize(_template.Conditions["S3QueueAlarmsOn"]));
        Assert.Equal("S3AlarmsOn", alarms["S3ContinuationDeadLetterDepthAlarm"]["Condition"]);
        Assert.Equal("""{"Fn::And":[{"Condition":"HasS3Buckets"},{"Condition":"AlarmsOn"}]}""", JsonSerializer.Serialize(_template.Conditions["S3AlarmsOn"]));
        Assert.All(alarms.Where(a => a.Key is not "StreamIteratorAgeAlarm" and not "S3ContinuationDeadLetterDepthAlarm" && !s3Alarms.Contains(a.Key)), alarm => Assert.Equal("AlarmsOn", alarm.Value["Condition"]));
        Assert.All(alarms.Values, alarm =>
        {
            Assert.Equal("notBreaching", Properties(alarm)["TreatMissingData"]);
            Assert.Equal("""{"Fn::If":["HasAlarmTopic",[{"Ref":"AlarmTopicArn"}],{"Ref":"AWS::NoValue"}]}""", JsonSerializer.Serialize(Properties(alarm)["AlarmActions"]));
        });
    }

    [Fact]
    public void With_s3_buckets_the_rest_of_a_large_object_goes_to_a_queue_that_invokes_the_function_again()
    {
        Assert.Equal(
            """{"Fn::If":["HasS3Buckets",{"Ref":"S3ContinuationQueue"},""]}""",
            JsonSerializer.Serialize(EnvironmentVariables["S3_CONTINUATION_QUEUE_URL"]));
        foreach (var id in new[] { "S3ContinuationQueue", "S3ContinuationDeadLetterQueue", "S3ContinuationMapping" })
        {
            Assert.Equal("HasS3Buckets", _template.Resource(id)["Condition"]);
        }

        var mapping = Properties(_template.Resource("S3ContinuationMapping"));
        Assert.Equal("""{"Fn::GetAtt":["S3ContinuationQueue","Arn"]}""", JsonSerializer.Serialize(mapping["EventSourceArn"]));
        Assert.Equal("""["ReportBatchItemFailures"]""", JsonSerializer.Serialize(mapping["FunctionResponseTypes"]));
        var queue = Properties(_template.Resource("S3ContinuationQueue"));
        Assert.Equal("""{"deadLetterTargetArn":{"Fn::GetAtt":["S3ContinuationDeadLetterQueue","Arn"]},"maxReceiveCount":"5"}""", JsonSerializer.Serialize(queue["RedrivePolicy"]));
        Assert.Equal("Retain", _template.Resource("S3ContinuationDeadLetterQueue")["DeletionPolicy"]);
    }

    [Fact]
    public void The_function_joins_the_VPC_only_when_subnets_are_given()
    {
        Assert.Equal(
            """{"Fn::If":["InVpc",{"SubnetIds":{"Ref":"SubnetIds"},"SecurityGroupIds":{"Ref":"SecurityGroupIds"}},{"Ref":"AWS::NoValue"}]}""",
            JsonSerializer.Serialize(FunctionProperties["VpcConfig"]));
        Assert.Equal("""{"Fn::Not":[{"Fn::Equals":[{"Fn::Join":["",{"Ref":"SubnetIds"}]},""]}]}""", JsonSerializer.Serialize(_template.Conditions["InVpc"]));
    }

    [Fact]
    public void Samconfig_deploys_with_the_capabilities_and_the_parameters_the_template_needs()
    {
        var samconfig = File.ReadAllText(RepoFiles.Path("samconfig.toml"));
        string Setting(string section, string key)
        {
            var body = Regex.Match(samconfig, $@"^\[{Regex.Escape(section)}\]\s*$(?<body>(?:(?!^\[).)*)", RegexOptions.Multiline | RegexOptions.Singleline);
            Assert.True(body.Success, $"samconfig.toml has no [{section}]");
            var line = Regex.Match(body.Groups["body"].Value, $@"^{Regex.Escape(key)}\s*=\s*(?<value>.+)$", RegexOptions.Multiline);
            Assert.True(line.Success, $"[{section}] has no {key}");
            return line.Groups["value"].Value.Trim();
        }

        var capabilities = Setting("default.deploy.parameters", "capabilities");
        var overrides = ParameterNames(Setting("default.deploy.parameters", "parameter_overrides"));
        var required = _template.Parameters.Where(p => !((Dictionary<string, object?>)p.Value!).ContainsKey("Default")).Select(p => p.Key);

        Assert.Matches(new Regex("^version = 0.1$", RegexOptions.Multiline), samconfig);
        Assert.Contains("CAPABILITY_IAM", capabilities, StringComparison.Ordinal);
        Assert.Contains("CAPABILITY_AUTO_EXPAND", capabilities, StringComparison.Ordinal); // AWS::LanguageExtensions
        Assert.Equal("true", Setting("default.deploy.parameters", "resolve_s3"));
        Assert.All(required, name => Assert.Contains(name, overrides));
        Assert.All(overrides.Concat(ParameterNames(Setting("default.local_invoke.parameters", "parameter_overrides"))), name =>
            Assert.True(_template.Parameters.ContainsKey(name), $"samconfig.toml overrides {name}, which the template does not have"));
        Assert.Equal("\"loki-shipper\"", Setting("default.global.parameters", "stack_name"));
    }

    [Fact]
    public void Every_action_in_the_workflows_is_pinned_to_a_commit()
    {
        var workflows = Directory.GetFiles(RepoFiles.Path(".github/workflows"), "*.yml");
        var uses = workflows.SelectMany(File.ReadLines).Select(line => UsesLine().Match(line)).Where(m => m.Success).ToList();

        Assert.Contains(workflows, path => Path.GetFileName(path) == "deploy.yml");
        Assert.True(uses.Count >= 4, $"found {uses.Count} actions");
        Assert.All(uses, use => Assert.Matches("^[^@]+@[0-9a-f]{40}$", use.Groups["action"].Value));
    }

    [Fact]
    public void CI_tests_every_push_and_pull_request_and_deploys_only_by_hand_with_OIDC()
    {
        static Dictionary<string, object?> Workflow(string name) =>
            CloudFormationTemplate.Parse(File.ReadAllText(RepoFiles.Path($".github/workflows/{name}"))).Root;

        var ci = Workflow("ci.yml");
        var deploy = Workflow("deploy.yml");
        var ciRuns = Descendants(ci["jobs"]).OfType<Dictionary<string, object?>>().Select(step => step.GetValueOrDefault("run")).OfType<string>().ToList();
        var deployRuns = Descendants(deploy["jobs"]).OfType<Dictionary<string, object?>>().Select(step => step.GetValueOrDefault("run")).OfType<string>().ToList();

        Assert.Equal(["push", "pull_request"], ((Dictionary<string, object?>)ci["on"]!).Keys);
        Assert.Equal("read", ((Dictionary<string, object?>)ci["permissions"]!)["contents"]);
        Assert.Contains("bash .ci/run", ciRuns);
        Assert.Contains("sam validate --lint --region us-east-1", ciRuns);
        Assert.Contains("sam build", ciRuns);

        Assert.Equal(["workflow_dispatch"], ((Dictionary<string, object?>)deploy["on"]!).Keys);
        Assert.Equal("write", ((Dictionary<string, object?>)deploy["permissions"]!)["id-token"]);
        Assert.Contains(Descendants(deploy["jobs"]).OfType<Dictionary<string, object?>>(), step =>
            step.GetValueOrDefault("uses") is string uses && uses.StartsWith("aws-actions/configure-aws-credentials@", StringComparison.Ordinal)
            && step["with"] is Dictionary<string, object?> with && with.ContainsKey("role-to-assume") && !with.ContainsKey("aws-secret-access-key"));
        Assert.Contains(deployRuns, run => run.Contains("sam deploy", StringComparison.Ordinal) && run.Contains("--no-confirm-changeset", StringComparison.Ordinal));
        Assert.DoesNotContain(deployRuns, run => run.Contains("${{", StringComparison.Ordinal)); // values reach scripts through env only
    }

    // --- S3 log files: the template rendered with parameter values (RenderedTemplate) -------------------------------

    private const string AlbBucket = "alb-logs-111122223333";
    private const string FlowBucket = "vpc-flow.example.com";
    private const string Buckets = $"S3Buckets={AlbBucket},{FlowBucket}";
    private const string KmsKey = "arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    [Fact]
    public void The_rendering_makes_one_subscription_filter_per_log_group_as_CloudFormation_does()
    {
        var direct = RenderedTemplate.Render("LogGroupNames=/aws/lambda/checkout,/ecs/payments");
        var kinesis = RenderedTemplate.Render("LogGroupNames=/aws/lambda/checkout,/ecs/payments", "IngestionMode=kinesis");

        Assert.Equal(["Subscriptionawslambdacheckout", "Subscriptionecspayments"], direct.OfType("AWS::Logs::SubscriptionFilter").Keys.Order(StringComparer.Ordinal));
        Assert.Equal("/ecs/payments", Properties(direct.Resource("Subscriptionecspayments"))["LogGroupName"]);
        Assert.Equal("loki-shipper-to-loki", Properties(direct.Resource("Subscriptionecspayments"))["FilterName"]);
        Assert.Equal(["StreamSubscriptionawslambdacheckout", "StreamSubscriptionecspayments"], kinesis.OfType("AWS::Logs::SubscriptionFilter").Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("LogsInvokePermission", kinesis.Resources.Keys);
        Assert.Empty(direct.FailedRules);
        Assert.Equal(["ShipperLogGroupIsNotSubscribed"], RenderedTemplate.Render("LogGroupNames=/aws/lambda/loki-shipper").FailedRules);
    }

    [Theory]
    [InlineData("direct")]
    [InlineData("kinesis")]
    public void Without_log_groups_nothing_is_subscribed_and_a_shipper_of_s3_log_files_only_deploys(string ingestionMode)
    {
        var s3Only = RenderedTemplate.Render($"IngestionMode={ingestionMode}", Buckets);

        Assert.Empty(s3Only.OfType("AWS::Logs::SubscriptionFilter"));
        Assert.Empty(s3Only.FailedRules);
        Assert.Contains("S3ContinuationQueue", s3Only.OfType("AWS::SQS::Queue").Keys);
    }

    [Theory]
    [InlineData("sqs")]
    [InlineData("eventbridge")]
    [InlineData("direct")]
    public void Nothing_S3_related_is_created_when_S3Buckets_is_empty(string mode)
    {
        var plain = RenderedTemplate.Render();
        var withS3Settings = RenderedTemplate.Render($"S3NotificationMode={mode}", $"S3KmsKeyArns={KmsKey}", "S3SourceAccounts=111122223333");

        Assert.False(withS3Settings.IsTrue("HasS3Buckets"));
        Assert.Equal(JsonSerializer.Serialize(plain.Resources), JsonSerializer.Serialize(withS3Settings.Resources));
        Assert.Equal(JsonSerializer.Serialize(plain.Outputs), JsonSerializer.Serialize(withS3Settings.Outputs));
        Assert.DoesNotContain(withS3Settings.Resources.Keys, id => id.StartsWith("S3", StringComparison.Ordinal));
        Assert.DoesNotContain(withS3Settings.PolicyStatements(), statement => JsonSerializer.Serialize(statement).Contains("s3", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(withS3Settings.Outputs.Keys, id => id.StartsWith("S3", StringComparison.Ordinal));
        Assert.Empty(withS3Settings.FailedRules);

        // Every S3 resource of the template (loops included) is behind a condition that needs a bucket.
        var s3Resources = Descendants(_template.Resources).OfType<Dictionary<string, object?>>()
            .SelectMany(map => map.Where(pair => pair.Key.StartsWith("S3", StringComparison.Ordinal) && pair.Value is Dictionary<string, object?> r && r.ContainsKey("Type")))
            .ToList();
        Assert.True(s3Resources.Count >= 9, $"found {s3Resources.Count} S3 resources");
        Assert.All(s3Resources, pair => Assert.False(withS3Settings.IsTrue((string)((Dictionary<string, object?>)pair.Value!)["Condition"]!), $"{pair.Key} is created without S3Buckets"));
    }

    /// <summary>Every statement that allows an <c>s3:</c> action, with its resources.</summary>
    private static List<(List<object?> Actions, List<object?> Resources)> S3Grants(RenderedTemplate rendered) =>
        rendered.PolicyStatements()
            .Where(s => Equals(s["Effect"], "Allow") && AsList(s["Action"]).Any(a => a is string text && text.StartsWith("s3:", StringComparison.Ordinal)))
            .Select(s => (AsList(s["Action"]), AsList(s["Resource"])))
            .ToList();

    [Fact]
    public void With_S3Buckets_the_role_may_get_exactly_the_objects_of_those_buckets()
    {
        var rendered = RenderedTemplate.Render(Buckets);
        var policies = rendered.OfType("AWS::IAM::RolePolicy");

        var grants = S3Grants(rendered);
        Assert.Equal(2, grants.Count);
        Assert.All(grants, grant => Assert.Equal(["s3:GetObject", "s3:GetObjectVersion"], grant.Actions));
        Assert.Equal(
            [$"arn:aws:s3:::{AlbBucket}/*", $"arn:aws:s3:::{FlowBucket}/*"],
            grants.SelectMany(g => g.Resources).Cast<string>().Order(StringComparer.Ordinal));
        Assert.Equal(2, policies.Count);
        Assert.All(policies.Values, policy => Assert.Equal(Ref("ShipperRole"), Properties(policy)["RoleName"]));
        Assert.Equal(policies.Count, policies.Values.Select(p => Properties(p)["PolicyName"]).Distinct().Count());
        Assert.DoesNotContain(rendered.PolicyStatements(), s => JsonSerializer.Serialize(s).Contains("kms:", StringComparison.Ordinal) && JsonSerializer.Serialize(s).Contains("S3", StringComparison.Ordinal));
    }

    [Fact]
    public void S3KeyPrefixes_restrict_the_reads_to_those_prefixes()
    {
        var rendered = RenderedTemplate.Render(Buckets, $"S3KeyPrefixes={AlbBucket}/AWSLogs/111122223333/,{AlbBucket}/AWSLogs/444455556666/,{FlowBucket}/flow/");

        Assert.Empty(rendered.FailedRules);
        Assert.Equal(
            [$"arn:aws:s3:::{AlbBucket}/AWSLogs/111122223333/*", $"arn:aws:s3:::{AlbBucket}/AWSLogs/444455556666/*", $"arn:aws:s3:::{FlowBucket}/flow/*"],
            S3Grants(rendered).SelectMany(g => g.Resources).Cast<string>().Order(StringComparer.Ordinal));
        Assert.All(rendered.OfType("AWS::IAM::RolePolicy").Values, policy => Assert.Matches(@"^[\w+=,.@-]{1,128}$", (string)Properties(policy)["PolicyName"]!));
    }

    [Theory]
    [InlineData(new[] { "S3Buckets=a-bucket,,b-bucket" }, "S3ListsHaveNoEmptyEntries")]
    [InlineData(new[] { "S3Buckets=a-bucket,", }, "S3ListsHaveNoEmptyEntries")]
    [InlineData(new[] { "S3Buckets=a-bucket", "S3KeyPrefixes=a-bucket/AWSLogs/," }, "S3ListsHaveNoEmptyEntries")] // "" would grant arn:aws:s3:::*
    [InlineData(new[] { "S3KeyPrefixes=a-bucket/AWSLogs/" }, "S3SettingsNeedS3Buckets")]
    public void Rules_refuse_empty_S3_entries_and_prefixes_without_buckets(string[] values, string rule)
    {
        Assert.Equal([rule], RenderedTemplate.Render(values).FailedRules);
    }

    [Fact]
    public void In_sqs_mode_the_notification_queue_admits_only_S3_notifications_of_the_buckets()
    {
        var rendered = RenderedTemplate.Render(Buckets, "S3SourceAccounts=111122223333,444455556666");
        var withoutAccounts = RenderedTemplate.Render(Buckets);
        var policy = Properties(rendered.Resource("S3NotificationQueuePolicy"));
        var statements = AsList(((Dictionary<string, object?>)policy["PolicyDocument"]!)["Statement"]).Cast<Dictionary<string, object?>>().ToList();
        var allow = Assert.Single(statements, s => Equals(s["Effect"], "Allow"));
        var deny = Assert.Single(statements, s => Equals(s["Effect"], "Deny"));

        Assert.Equal(new Dictionary<string, object?> { ["Service"] = "s3.amazonaws.com" }, allow["Principal"], new JsonEquality());
        Assert.Equal("sqs:SendMessage", allow["Action"]);
        Assert.Equal(GetAtt("S3NotificationQueue", "Arn"), allow["Resource"]);
        Assert.Equal(
            $$$"""{"ArnLike":{"aws:SourceArn":["arn:*:s3:::{{{AlbBucket}}}","arn:*:s3:::{{{FlowBucket}}}"]},"StringEquals":{"aws:SourceAccount":["111122223333","444455556666"]}}""",
            JsonSerializer.Serialize(allow["Condition"]));
        Assert.Equal(
            $$$"""{"ArnLike":{"aws:SourceArn":["arn:*:s3:::{{{AlbBucket}}}","arn:*:s3:::{{{FlowBucket}}}"]}}""",
            JsonSerializer.Serialize(withoutAccounts.PolicyStatements().Single(s => Equals(s.GetValueOrDefault("Sid"), "AcceptNotificationsOfTheBuckets"))["Condition"]));
        Assert.Equal("""{"Bool":{"aws:SecureTransport":"false"}}""", JsonSerializer.Serialize(deny["Condition"]));
        Assert.Equal([Ref("S3NotificationQueue"), Ref("S3NotificationDeadLetterQueue")], AsList(policy["Queues"]), new JsonEquality());
        Assert.DoesNotContain("S3ObjectCreatedRule", rendered.Resources.Keys);
        Assert.DoesNotContain(rendered.OfType("AWS::Lambda::Permission").Keys, id => id.StartsWith("S3", StringComparison.Ordinal));
        Assert.Equal(GetAtt("S3NotificationQueue", "Arn"), ((Dictionary<string, object?>)rendered.Outputs["S3NotificationQueueArn"]!)["Value"]);
    }

    [Fact]
    public void The_notification_queue_is_encrypted_has_a_dead_letter_queue_and_is_read_with_partial_batch_failures()
    {
        var rendered = RenderedTemplate.Render(Buckets);
        var queue = Properties(rendered.Resource("S3NotificationQueue"));
        var deadLetter = Properties(rendered.Resource("S3NotificationDeadLetterQueue"));
        var redrive = (Dictionary<string, object?>)queue["RedrivePolicy"]!;
        var mapping = Properties(rendered.Resource("S3NotificationMapping"));
        var read = rendered.PolicyStatements().Single(s => Equals(s.GetValueOrDefault("Sid"), "ReadS3NotificationQueue"));
        var timeout = (Dictionary<string, object?>)_template.Parameters["Timeout"]!;

        Assert.Equal(("true", "true"), (queue["SqsManagedSseEnabled"], deadLetter["SqsManagedSseEnabled"]));
        Assert.Equal(GetAtt("S3NotificationDeadLetterQueue", "Arn"), redrive["deadLetterTargetArn"]);
        Assert.Equal("5", redrive["maxReceiveCount"]);
        Assert.True(int.Parse((string)queue["VisibilityTimeout"]!, CultureInfo.InvariantCulture) >= 6 * int.Parse((string)timeout["MaxValue"]!, CultureInfo.InvariantCulture));
        Assert.Equal(("Retain", "Retain"), (rendered.Resource("S3NotificationDeadLetterQueue")["DeletionPolicy"], rendered.Resource("S3NotificationDeadLetterQueue")["UpdateReplacePolicy"]));

        Assert.Equal(["ReportBatchItemFailures"], AsList(mapping["FunctionResponseTypes"]));
        Assert.Equal(GetAtt("S3NotificationQueue", "Arn"), mapping["EventSourceArn"]);
        Assert.Equal(Ref("ShipperFunction"), mapping["FunctionName"]);
        Assert.InRange(int.Parse((string)mapping["BatchSize"]!, CultureInfo.InvariantCulture), 1, 10);
        Assert.InRange(int.Parse((string)mapping["MaximumBatchingWindowInSeconds"]!, CultureInfo.InvariantCulture), 1, 30);

        Assert.Equal(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], AsList(read["Action"]));
        Assert.Equal(GetAtt("S3NotificationQueue", "Arn"), read["Resource"]);
    }

    [Fact]
    public void In_eventbridge_mode_a_rule_on_the_buckets_Object_Created_events_feeds_the_queue()
    {
        var rendered = RenderedTemplate.Render(Buckets, "S3NotificationMode=eventbridge", "S3SourceAccounts=111122223333");
        var rule = Properties(rendered.Resource("S3ObjectCreatedRule"));
        var statements = rendered.PolicyStatements().Where(s => Equals(s["Effect"], "Allow") && s.ContainsKey("Principal")).ToList();
        var allow = Assert.Single(statements, s => Equals(s["Action"], "sqs:SendMessage"));

        Assert.Equal(
            $$$$"""{"source":["aws.s3"],"detail-type":["Object Created"],"detail":{"bucket":{"name":["{{{{AlbBucket}}}}","{{{{FlowBucket}}}}"]}}}""",
            JsonSerializer.Serialize(rule["EventPattern"]));
        Assert.Equal(GetAtt("S3NotificationQueue", "Arn"), ((Dictionary<string, object?>)Assert.Single(AsList(rule["Targets"]))!)["Arn"]);
        Assert.Equal(new Dictionary<string, object?> { ["Service"] = "events.amazonaws.com" }, allow["Principal"], new JsonEquality());
        Assert.Equal("""{"ArnEquals":{"aws:SourceArn":{"Fn::GetAtt":["S3ObjectCreatedRule","Arn"]}}}""", JsonSerializer.Serialize(allow["Condition"]));
        Assert.DoesNotContain(rendered.PolicyStatements(), s => JsonSerializer.Serialize(s).Contains("s3.amazonaws.com", StringComparison.Ordinal));
        Assert.Contains("S3NotificationMapping", rendered.Resources.Keys);
    }

    [Fact]
    public void In_direct_mode_each_bucket_may_invoke_the_function_and_no_queue_is_made()
    {
        var oneAccount = RenderedTemplate.Render(Buckets, "S3NotificationMode=direct", "S3SourceAccounts=111122223333");
        var twoAccounts = RenderedTemplate.Render(Buckets, "S3NotificationMode=direct", "S3SourceAccounts=111122223333,444455556666");

        var permissions = oneAccount.OfType("AWS::Lambda::Permission").Where(p => p.Key.StartsWith("S3", StringComparison.Ordinal)).Select(p => Properties(p.Value)).ToList();
        Assert.Equal([$"arn:aws:s3:::{AlbBucket}", $"arn:aws:s3:::{FlowBucket}"], permissions.Select(p => (string)p["SourceArn"]!).Order(StringComparer.Ordinal));
        Assert.All(permissions, p =>
        {
            Assert.Equal(("s3.amazonaws.com", "lambda:InvokeFunction", "111122223333"), (p["Principal"], p["Action"], p["SourceAccount"]));
            Assert.Equal(GetAtt("ShipperFunction", "Arn"), p["FunctionName"]);
        });
        Assert.All(twoAccounts.OfType("AWS::Lambda::Permission").Where(p => p.Key.StartsWith("S3", StringComparison.Ordinal)), p => Assert.False(Properties(p.Value).ContainsKey("SourceAccount")));
        Assert.DoesNotContain(oneAccount.Resources.Keys, id => id.StartsWith("S3Notification", StringComparison.Ordinal) || id == "S3ObjectCreatedRule");
        Assert.Equal(2, S3Grants(oneAccount).Count); // the function still reads the objects
    }

    [Fact]
    public void KMS_keys_of_S3_objects_may_decrypt_only_through_S3()
    {
        var rendered = RenderedTemplate.Render(Buckets, $"S3KmsKeyArns={KmsKey},arn:aws:kms:eu-west-1:111122223333:key/0000aaaa-12ab-34cd-56ef-1234567890ab");
        var decrypt = rendered.PolicyStatements().Single(s => Equals(s.GetValueOrDefault("Sid"), "DecryptS3Objects"));

        Assert.Equal("kms:Decrypt", decrypt["Action"]);
        Assert.Equal([KmsKey, "arn:aws:kms:eu-west-1:111122223333:key/0000aaaa-12ab-34cd-56ef-1234567890ab"], AsList(decrypt["Resource"]));
        Assert.Equal("""{"StringLike":{"kms:ViaService":"s3.*.amazonaws.com"}}""", JsonSerializer.Serialize(decrypt["Condition"]));
        Assert.DoesNotContain(RenderedTemplate.Render(Buckets).PolicyStatements(), s => Equals(s.GetValueOrDefault("Sid"), "DecryptS3Objects"));
    }

    [Theory]
    [InlineData("sqs", "true", true)]
    [InlineData("eventbridge", "true", true)]
    [InlineData("sqs", "false", false)]
    [InlineData("direct", "true", false)]
    public void The_notification_queues_have_alarms_on_dead_letters_and_on_the_oldest_notifications_age(string mode, string alarmsEnabled, bool expected)
    {
        var rendered = RenderedTemplate.Render(Buckets, $"S3NotificationMode={mode}", $"AlarmsEnabled={alarmsEnabled}");
        var alarms = rendered.OfType("AWS::CloudWatch::Alarm");

        Assert.Equal(expected, alarms.ContainsKey("S3NotificationDeadLetterDepthAlarm"));
        Assert.Equal(expected, alarms.ContainsKey("S3NotificationAgeAlarm"));
        if (!expected)
        {
            return;
        }

        var deadLetters = Properties(alarms["S3NotificationDeadLetterDepthAlarm"]);
        var age = Properties(alarms["S3NotificationAgeAlarm"]);
        Assert.Equal(("AWS/SQS", "ApproximateNumberOfMessagesVisible", "0", "GreaterThanThreshold"), (deadLetters["Namespace"], deadLetters["MetricName"], deadLetters["Threshold"], deadLetters["ComparisonOperator"]));
        Assert.Equal(GetAtt("S3NotificationDeadLetterQueue", "QueueName"), ((Dictionary<string, object?>)AsList(deadLetters["Dimensions"]).Single()!)["Value"]);
        Assert.Equal(("AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", "GreaterThanThreshold"), (age["Namespace"], age["MetricName"], age["Statistic"], age["ComparisonOperator"]));
        Assert.Equal(GetAtt("S3NotificationQueue", "QueueName"), ((Dictionary<string, object?>)AsList(age["Dimensions"]).Single()!)["Value"]);
        Assert.InRange(int.Parse((string)age["Threshold"]!, CultureInfo.InvariantCulture), 300, 1800);
    }

    [Fact]
    public void The_function_reads_S3_FORMATS_from_the_S3Formats_parameter_whose_pattern_takes_prefix_format_pairs()
    {
        var parameter = (Dictionary<string, object?>)_template.Parameters["S3Formats"]!;
        var pattern = new Regex((string)parameter["AllowedPattern"]!);

        Assert.Equal(Ref("S3Formats"), EnvironmentVariables["S3_FORMATS"]);
        Assert.All(new[] { "", "my-bucket/custom/=alb", "a/=vpc_flow,b/aws-account-id=1/=cloudtrail,c/=generic" }, value =>
        {
            Assert.Matches(pattern, value);
            Assert.Null(Record.Exception(() => TestOptions.From(("WRITE_ADDRESS", "https://loki.example.com"), ("S3_FORMATS", value))));
        });
        Assert.DoesNotMatch(pattern, "alb");
    }

    private static List<string> ParameterNames(string overrides) =>
        OverrideName().Matches(overrides).Select(m => m.Groups["name"].Value).ToList();

    private static Dictionary<string, object?> Ref(string name) => new() { ["Ref"] = name };

    private static Dictionary<string, object?> GetAtt(string resource, string attribute) =>
        new() { ["Fn::GetAtt"] = new List<object?> { resource, attribute } };

    private static JsonElement LambdaToolsDefaults() =>
        JsonDocument.Parse(File.ReadAllText(RepoFiles.Path("src/LokiShipper/aws-lambda-tools-defaults.json"))).RootElement;

    /// <summary>The names the function asks its environment for while loading its configuration, as on Lambda.</summary>
    private static async Task<HashSet<string>> VariablesReadAtColdStart()
    {
        var read = new HashSet<string>(StringComparer.Ordinal);
        var store = new Mock<ISecretStore>(MockBehavior.Strict);
        await Composition.LoadOptionsAsync(name => { read.Add(name); return null; }, () => store.Object, CancellationToken.None);
        return read;
    }

    /// <summary>The parameter a variable is set from: <c>!Ref P</c>, or <c>!Join [",", !Ref P]</c> for a list.</summary>
    private string ParameterNameBehind(string variable) =>
        EnvironmentVariables[variable] switch
        {
            Dictionary<string, object?> map when map.GetValueOrDefault("Ref") is string name => name,
            Dictionary<string, object?> map when map.GetValueOrDefault("Fn::Join") is List<object?> { Count: 2 } join
                && Equals(join[0], ",") && join[1] is Dictionary<string, object?> list && list.GetValueOrDefault("Ref") is string name => name,
            _ => throw new InvalidDataException($"{variable} is not set from a parameter with !Ref (or !Join of a list)"),
        };

    private Dictionary<string, object?> ParameterBehind(string variable) =>
        (Dictionary<string, object?>)_template.Parameters[ParameterNameBehind(variable)]!;

    /// <summary>
    /// A page under docs/, as it is in the repository. The test project copies the files it checks into its output
    /// (<c>repo/</c>); a page it does not copy is read from the repository root, the folder above the output that holds
    /// LokiShipper.sln.
    /// </summary>
    private static string DocsPage(string name)
    {
        var copied = RepoFiles.Path("docs/" + name);
        if (File.Exists(copied))
        {
            return File.ReadAllText(copied);
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "LokiShipper.sln")))
            {
                return File.ReadAllText(System.IO.Path.Combine(directory.FullName, "docs", name));
            }
        }

        throw new FileNotFoundException($"docs/{name}: no copy in the test output and no LokiShipper.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>docs/configuration.md, "Environment variables": variable → its default column, e.g. <c>`false`</c>, <c>(none)</c>.</summary>
    private static Dictionary<string, string> DocumentedConfigurationDefaults()
    {
        var page = DocsPage("configuration.md");
        var section = page[page.IndexOf("\n## Environment variables", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match row in ConfigurationRow().Matches(section))
        {
            foreach (Match name in Regex.Matches(row.Groups["names"].Value, "`([A-Z0-9_]+)`"))
            {
                defaults[name.Groups[1].Value] = row.Groups["default"].Value.Trim();
            }
        }

        return defaults;
    }

    [GeneratedRegex(@"^\| (?<names>`[A-Z0-9_]+`(?: / `[A-Z0-9_]+`)*) \| (?<default>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex ConfigurationRow();

    [GeneratedRegex(@"(?<name>[A-Za-z0-9]+)=")]
    private static partial Regex OverrideName();

    [GeneratedRegex(@"^\s*(?:-\s*)?uses:\s*(?<action>\S+)")]
    private static partial Regex UsesLine();

    /// <summary>Compares template fragments by their JSON form.</summary>
    private sealed class JsonEquality : JsonEquality<object?>;

    private class JsonEquality<T> : IEqualityComparer<T>
    {
        public bool Equals(T? x, T? y) => Serialize(x) == Serialize(y);

        public int GetHashCode(T obj) => Serialize(obj).GetHashCode(StringComparison.Ordinal);

        private static string Serialize(T? value) => value is ITuple tuple
            ? JsonSerializer.Serialize(Enumerable.Range(0, tuple.Length).Select(i => tuple[i]))
            : JsonSerializer.Serialize(value);
    }
}
