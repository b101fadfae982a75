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

    /// <summary>Earlier names of ours the function still reads; the template sets their successors instead.</summary>
    private static readonly string[] Replaced = [ShipperOptionsParser.JsonStructuredMetadata];

    [Fact]
    public async Task The_template_sets_exactly_the_variables_the_function_reads_except_those_Lambda_sets()
    {
        var read = await VariablesReadAtColdStart();

        Assert.Equal(
            read.Except(SetByLambda).Except(LambdaPromtailOnly).Except(Replaced).Order(StringComparer.Ordinal),
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
        var fromTemplate = EnvironmentVariables.ToDictionary(
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
        foreach (var (variable, _) in EnvironmentVariables)
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
                var exception = Record.Exception(() => TestOptions.From(("WRITE_ADDRESS", "https://loki.example.com"), (variable, value)));
                Assert.True(exception is null, $"{variable}={value} is allowed by the template but the function refuses it: {exception?.Message}");
                checkedValues++;
            }
        }

        Assert.True(checkedValues >= 20, $"only {checkedValues} values checked");
    }

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
            if (statement.TryGetValue("Resource", out var resource))
            {
                Assert.DoesNotContain("*", AsList(resource));
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
        Assert.Equal("DirectMode", filter["Condition"]);
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
        Assert.All(new[] { filter, stream, mapping, _template.Resource("LogsToStreamRole") }, r => Assert.Equal("KinesisMode", r["Condition"]));
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
    public void Alarms_watch_errors_throttles_lost_events_and_both_queues()
    {
        var alarms = _template.Resources.Values.OfType<Dictionary<string, object?>>()
            .Where(r => Equals(r["Type"], "AWS::CloudWatch::Alarm"))
            .ToList();

        Assert.Equal(
            ["AWS/Lambda DestinationDeliveryFailures", "AWS/Lambda Errors", "AWS/Lambda IteratorAge", "AWS/Lambda Throttles", "AWS/SQS ApproximateNumberOfMessagesVisible", "AWS/SQS ApproximateNumberOfMessagesVisible", "LokiShipper InvalidRecords"],
            alarms.Select(a => $"{Properties(a)["Namespace"]} {Properties(a)["MetricName"]}").Order(StringComparer.Ordinal));
        Assert.Equal(LokiShipper.Function.EmbeddedMetrics.Namespace, Properties(_template.Resource("InvalidRecordsAlarm"))["Namespace"]);
        Assert.Equal("KinesisAlarmsOn", _template.Resource("StreamIteratorAgeAlarm")["Condition"]);
        Assert.All(alarms.Where(a => Properties(a)["MetricName"] is not "IteratorAge"), alarm =>
        {
            Assert.Equal("AlarmsOn", alarm["Condition"]);
            Assert.Equal("notBreaching", Properties(alarm)["TreatMissingData"]);
            Assert.Equal("""{"Fn::If":["HasAlarmTopic",[{"Ref":"AlarmTopicArn"}],{"Ref":"AWS::NoValue"}]}""", JsonSerializer.Serialize(Properties(alarm)["AlarmActions"]));
        });
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

    private string ParameterNameBehind(string variable) =>
        EnvironmentVariables[variable] is Dictionary<string, object?> map && map.GetValueOrDefault("Ref") is string name
            ? name
            : throw new InvalidDataException($"{variable} is not set from a parameter with !Ref");

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
            foreach (Match name in Regex.Matches(row.Groups["names"].Value, "`([A-Z_]+)`"))
            {
                defaults[name.Groups[1].Value] = row.Groups["default"].Value.Trim();
            }
        }

        return defaults;
    }

    [GeneratedRegex(@"^\| (?<names>`[A-Z_]+`(?: / `[A-Z_]+`)*) \| (?<default>[^|]+) \|", RegexOptions.Multiline)]
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
