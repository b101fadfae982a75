using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Deployment;

/// <summary>
/// template.yaml (or deploy/spoke.yaml) as CloudFormation would create it from given parameter values: <c>Fn::ForEach</c>
/// loops expanded (as the <c>AWS::LanguageExtensions</c> transform does), conditions and rules evaluated, resources and
/// outputs whose condition is false left out, <c>Fn::If</c> decided, <c>AWS::NoValue</c> removed, and <c>Ref</c>,
/// <c>Fn::Sub</c>, <c>Fn::Join</c>, <c>Fn::Split</c>, <c>Fn::Select</c> and <c>Fn::ToJsonString</c> worked out where
/// they name parameters and pseudo parameters. What only exists once deployed (<c>Ref</c> to a resource,
/// <c>Fn::GetAtt</c>) stays as it is written, and so does a <c>Fn::ToJsonString</c> of something that holds it.
/// </summary>
/// <remarks>
/// Only the functions the template uses are evaluated; any other is left as written, so a test that expects a value
/// fails instead of passing on something unevaluated. The account, region and stack are fixed:
/// <see cref="AccountId"/>, <see cref="Region"/>, <c>loki-shipper</c>.
/// </remarks>
internal sealed partial class RenderedTemplate
{
    public const string AccountId = "111122223333";
    public const string Region = "eu-west-1";

    private static readonly object NoValue = new();

    private readonly CloudFormationTemplate _template;
    private readonly Dictionary<string, object?> _parameters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _conditions = new(StringComparer.Ordinal);

    private RenderedTemplate(CloudFormationTemplate template, IReadOnlyDictionary<string, string> values)
    {
        _template = template;
        foreach (var (name, definition) in template.Parameters)
        {
            var parameter = (Dictionary<string, object?>)definition!;
            var value = values.TryGetValue(name, out var given) ? given
                : parameter.TryGetValue("Default", out var fallback) ? (string?)fallback
                : RequiredPlaceholders.TryGetValue(name, out var placeholder) ? placeholder
                : throw new ArgumentException($"parameter {name} has no default: give it a value");
            _parameters[name] = Equals(parameter["Type"], "CommaDelimitedList")
                ? value!.Split(',').Select(item => (object?)item).ToList()
                : value;
        }

        foreach (var name in values.Keys.Where(name => !template.Parameters.ContainsKey(name)))
        {
            throw new ArgumentException($"the template has no parameter {name}");
        }

        _parameters["AWS::Partition"] = "aws";
        _parameters["AWS::Region"] = Region;
        _parameters["AWS::AccountId"] = AccountId;
        _parameters["AWS::StackName"] = "loki-shipper";
        _parameters["AWS::URLSuffix"] = "amazonaws.com";

        foreach (var name in template.Conditions.Keys)
        {
            Condition(name);
        }

        Resources = Render(template.Resources);
        Outputs = Render(template.Section("Outputs"));
        FailedRules = template.Rules
            .Where(rule =>
            {
                var body = (Dictionary<string, object?>)rule.Value!;
                return (!body.TryGetValue("RuleCondition", out var applies) || Truth(applies))
                    && ((List<object?>)body["Assertions"]!).Cast<Dictionary<string, object?>>().Any(assertion => !Truth(assertion["Assert"]));
            })
            .Select(rule => rule.Key)
            .ToList();
    }

    /// <summary>Values for the parameters without a default, when a test does not give them.</summary>
    private static readonly Dictionary<string, string> RequiredPlaceholders = new(StringComparer.Ordinal)
    {
        ["WriteAddress"] = "https://loki.example.com",
    };

    /// <summary>The resources CloudFormation would create, by logical ID (loops expanded).</summary>
    public Dictionary<string, object?> Resources { get; }

    /// <summary>The outputs the stack would have.</summary>
    public Dictionary<string, object?> Outputs { get; }

    /// <summary>Rules with an assertion that fails for these values: CloudFormation would refuse the deploy.</summary>
    public IReadOnlyList<string> FailedRules { get; }

    public bool IsTrue(string condition) => _conditions[condition];

    /// <summary>template.yaml rendered with the defaults, and <paramref name="values"/> (name=value) for the rest.</summary>
    public static RenderedTemplate Render(params string[] values) => RenderFile("template.yaml", values);

    /// <summary>A template of the repository (e.g. <c>deploy/spoke.yaml</c>) rendered like <see cref="Render(string[])"/>.</summary>
    public static RenderedTemplate RenderFile(string relativePath, params string[] values) =>
        new(CloudFormationTemplate.Load(relativePath), values.Select(v => v.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal));

    /// <summary>
    /// This rendering as a template of its own, in JSON, for cfn-lint: the resources and outputs that would be created,
    /// without their (decided) conditions, under the transforms still needed - SAM's, and <c>AWS::LanguageExtensions</c>
    /// while a <c>Fn::ToJsonString</c> is left. A <c>DependsOn</c> or reference to a resource that this combination does
    /// not create stays, for the linter to find.
    /// </summary>
    public string ToTemplateJson()
    {
        static Dictionary<string, object?> WithoutCondition(object? entry) =>
            ((Dictionary<string, object?>)entry!).Where(pair => pair.Key != "Condition").ToDictionary(StringComparer.Ordinal);

        var resources = Resources.ToDictionary(pair => pair.Key, pair => (object?)WithoutCondition(pair.Value), StringComparer.Ordinal);
        var outputs = Outputs.ToDictionary(pair => pair.Key, pair => (object?)WithoutCondition(pair.Value), StringComparer.Ordinal);
        var needsLanguageExtensions = CloudFormationTemplate.Descendants(new List<object?> { resources, outputs })
            .OfType<Dictionary<string, object?>>()
            .Any(map => map.ContainsKey("Fn::ToJsonString"));
        var transforms = CloudFormationTemplate.AsList(_template.Root.GetValueOrDefault("Transform"))
            .OfType<string>()
            .Where(transform => transform != "AWS::LanguageExtensions" || needsLanguageExtensions)
            .ToList();

        var template = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["AWSTemplateFormatVersion"] = "2010-09-09",
            ["Description"] = _template.Root.GetValueOrDefault("Description"),
        };
        if (transforms.Count > 0)
        {
            template["Transform"] = transforms;
        }

        template["Resources"] = resources;
        if (outputs.Count > 0)
        {
            template["Outputs"] = outputs;
        }

        return JsonSerializer.Serialize(Typed(template), JsonText);
    }

    /// <summary>
    /// Numbers and booleans back as JSON numbers and booleans: YAML reads a plain <c>10</c> or <c>true</c> as one, the
    /// loader here keeps every scalar as text, and SAM checks the types of what it translates. Text that would not come
    /// back the same (<c>007</c>) stays text.
    /// </summary>
    private static object? Typed(object? node) => node switch
    {
        "true" => true,
        "false" => false,
        string text when long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && number.ToString(System.Globalization.CultureInfo.InvariantCulture) == text => number,
        Dictionary<string, object?> map => map.ToDictionary(pair => pair.Key, pair => Typed(pair.Value), StringComparer.Ordinal),
        List<object?> list => list.Select(Typed).ToList(),
        _ => node,
    };

    public Dictionary<string, object?> Resource(string logicalId) =>
        Resources.TryGetValue(logicalId, out var resource)
            ? (Dictionary<string, object?>)resource!
            : throw new KeyNotFoundException($"no resource {logicalId} is created; created: {string.Join(", ", Resources.Keys)}");

    /// <summary>Resources of one type, by logical ID.</summary>
    public Dictionary<string, Dictionary<string, object?>> OfType(string type) =>
        Resources.Where(r => Equals(((Dictionary<string, object?>)r.Value!)["Type"], type))
            .ToDictionary(r => r.Key, r => (Dictionary<string, object?>)r.Value!, StringComparer.Ordinal);

    /// <summary>Every IAM or resource policy statement in the created resources.</summary>
    public IEnumerable<Dictionary<string, object?>> PolicyStatements() =>
        CloudFormationTemplate.Descendants(Resources)
            .OfType<Dictionary<string, object?>>()
            .Where(map => map.ContainsKey("Effect") && map.ContainsKey("Action"));

    private Dictionary<string, object?> Render(Dictionary<string, object?> section)
    {
        var rendered = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (id, item) in Expand(section))
        {
            if (item is Dictionary<string, object?> entry && entry.TryGetValue("Condition", out var condition) && condition is string name && !Condition(name))
            {
                continue;
            }

            rendered[id] = Resolve(item);
        }

        return rendered;
    }

    /// <summary>A mapping with its <c>Fn::ForEach::*</c> keys replaced by what they make, loops within loops too.</summary>
    private Dictionary<string, object?> Expand(Dictionary<string, object?> map)
    {
        var expanded = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            if (!key.StartsWith("Fn::ForEach::", StringComparison.Ordinal))
            {
                expanded.Add(key, value);
                continue;
            }

            if (value is not List<object?> { Count: 3 } loop || loop[0] is not string identifier || loop[2] is not Dictionary<string, object?> fragment)
            {
                throw new InvalidDataException($"{key} takes [identifier, collection, {{fragment}}]");
            }

            var collection = Resolve(loop[1]) as List<object?> ?? throw new InvalidDataException($"{key}: the collection is not a list");
            foreach (var item in collection.Cast<string>())
            {
                foreach (var (fragmentKey, fragmentValue) in Expand((Dictionary<string, object?>)Substitute(fragment, identifier, item)!))
                {
                    expanded.Add(fragmentKey, fragmentValue);
                }
            }
        }

        return expanded;
    }

    /// <summary>The loop's identifier replaced by one value: <c>${Id}</c>, <c>&amp;{Id}</c> (alphanumerics only) and <c>Ref: Id</c>.</summary>
    private static object? Substitute(object? node, string identifier, string value)
    {
        string Text(string text) => text
            .Replace("${" + identifier + "}", value, StringComparison.Ordinal)
            .Replace("&{" + identifier + "}", NonAlphanumeric().Replace(value, string.Empty), StringComparison.Ordinal);

        return node switch
        {
            string text => Text(text),
            Dictionary<string, object?> { Count: 1 } reference when Equals(reference.GetValueOrDefault("Ref"), identifier) => value,
            Dictionary<string, object?> map => map.ToDictionary(pair => Text(pair.Key), pair => Substitute(pair.Value, identifier, value), StringComparer.Ordinal),
            List<object?> list => list.Select(item => Substitute(item, identifier, value)).ToList(),
            _ => node,
        };
    }

    private bool Condition(string name)
    {
        if (!_conditions.TryGetValue(name, out var value))
        {
            value = Truth(_template.Conditions.TryGetValue(name, out var body) ? body : throw new KeyNotFoundException($"no condition {name}"));
            _conditions[name] = value;
        }

        return value;
    }

    /// <summary>A condition or rule assertion.</summary>
    private bool Truth(object? node)
    {
        if (node is not Dictionary<string, object?> { Count: 1 } function)
        {
            throw new InvalidDataException($"not a condition: {System.Text.Json.JsonSerializer.Serialize(node)}");
        }

        var (name, argument) = function.Single();
        var arguments = argument as List<object?>;
        return name switch
        {
            "Condition" => Condition((string)argument!),
            "Fn::Not" => !Truth(arguments![0]),
            "Fn::And" => arguments!.All(Truth),
            "Fn::Or" => arguments!.Any(Truth),
            "Fn::Equals" => Equals(Scalar(arguments![0]), Scalar(arguments[1])),
            "Fn::Contains" => ((List<object?>)Resolve(arguments![0])!).Contains(Scalar(arguments[1])),
            "Fn::EachMemberEquals" => ((List<object?>)Resolve(arguments![0])!).All(item => Equals(item, Scalar(arguments[1]))),
            _ => throw new InvalidDataException($"{name} is not evaluated here"),
        };
    }

    private string Scalar(object? node) => Resolve(node) as string ?? throw new InvalidDataException($"not a string: {System.Text.Json.JsonSerializer.Serialize(node)}");

    private object? Resolve(object? node)
    {
        switch (node)
        {
            case List<object?> list:
                return list.Select(Resolve).Where(item => !ReferenceEquals(item, NoValue)).ToList();

            case Dictionary<string, object?> { Count: 1 } function when function.Keys.Single() is "Ref" or "Condition" || function.Keys.Single().StartsWith("Fn::", StringComparison.Ordinal):
                return ResolveFunction(function.Keys.Single(), function.Values.Single(), function);

            case Dictionary<string, object?> map:
                var resolved = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, value) in Expand(map))
                {
                    var item = Resolve(value);
                    if (!ReferenceEquals(item, NoValue))
                    {
                        resolved[key] = item;
                    }
                }

                return resolved;

            default:
                return node;
        }
    }

    private object? ResolveFunction(string name, object? argument, Dictionary<string, object?> written)
    {
        var arguments = argument as List<object?>;
        switch (name)
        {
            case "Ref" when Equals(argument, "AWS::NoValue"):
                return NoValue;
            case "Ref" when _parameters.TryGetValue((string)argument!, out var value):
                return value is List<object?> list ? list.ToList() : value;
            case "Fn::If":
                return Resolve(Condition((string)arguments![0]!) ? arguments[1] : arguments[2]);
            case "Fn::Sub":
                var (text, variables) = argument is string s ? (s, new Dictionary<string, object?>()) : ((string)arguments![0]!, (Dictionary<string, object?>)arguments[1]!);
                var substituted = SubVariable().Replace(text, match =>
                {
                    var variable = match.Groups[1].Value;
                    var replacement = variables.TryGetValue(variable, out var given) ? Resolve(given) : _parameters.GetValueOrDefault(variable);
                    return replacement as string ?? match.Value; // ${Resource.Attribute}: known once deployed
                });
                return SubVariable().IsMatch(substituted)
                    ? new Dictionary<string, object?>(StringComparer.Ordinal) { [name] = substituted } // the rest once deployed
                    : substituted;
            case "Fn::Join" when Resolve(arguments![1]) is List<object?> parts && parts.All(part => part is string):
                return string.Join((string)arguments[0]!, parts);
            case "Fn::Split" when Resolve(arguments![1]) is string joined:
                return joined.Split((string)arguments[0]!).Select(part => (object?)part).ToList();
            case "Fn::Select" when Resolve(arguments![1]) is List<object?> items:
                return items[int.Parse((string)Resolve(arguments[0])!, System.Globalization.CultureInfo.InvariantCulture)];
            case "Fn::ToJsonString" when Resolve(argument) is var value && !HoldsFunction(value):
                return JsonSerializer.Serialize(value, JsonText);
            case "Condition":
                return Condition((string)argument!);
            default:
                // Ref to a resource, Fn::GetAtt, and anything not evaluated here: as written, its arguments resolved.
                return new Dictionary<string, object?>(StringComparer.Ordinal) { [name] = argument is string ? argument : Resolve(argument) };
        }
    }

    /// <summary>Whether a resolved value still holds a function (known once deployed, e.g. <c>Fn::GetAtt</c>).</summary>
    private static bool HoldsFunction(object? value) =>
        CloudFormationTemplate.Descendants(value).OfType<Dictionary<string, object?>>()
            .Any(map => map.Count == 1 && map.Keys.Single() is var key && (key is "Ref" or "Condition" || key.StartsWith("Fn::", StringComparison.Ordinal)));

    /// <summary>JSON as CloudFormation writes it: compact, nothing escaped that JSON does not require.</summary>
    private static readonly JsonSerializerOptions JsonText = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex(@"\$\{([A-Za-z0-9_:.]+)\}")]
    private static partial Regex SubVariable();

    [GeneratedRegex("[^A-Za-z0-9]")]
    private static partial Regex NonAlphanumeric();
}
