using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace LokiShipper.Tests.Support;

/// <summary>
/// template.yaml as plain data: mappings become dictionaries, sequences lists, scalars strings, and CloudFormation's
/// short-form tags their long form (<c>!Ref X</c> → <c>{"Ref": "X"}</c>, <c>!GetAtt A.B</c> → <c>{"Fn::GetAtt": ["A","B"]}</c>).
/// </summary>
public sealed partial class CloudFormationTemplate
{
    private CloudFormationTemplate(Dictionary<string, object?> root) => Root = root;

    public Dictionary<string, object?> Root { get; }

    public Dictionary<string, object?> Parameters => Section("Parameters");

    public Dictionary<string, object?> Resources => Section("Resources");

    public Dictionary<string, object?> Conditions => Section("Conditions");

    public Dictionary<string, object?> Rules => Section("Rules");

    /// <summary>The repository's template.yaml, as copied next to the tests.</summary>
    public static CloudFormationTemplate Load() => Load("template.yaml");

    /// <summary>A template of the repository (e.g. <c>deploy/spoke.yaml</c>), as copied next to the tests.</summary>
    public static CloudFormationTemplate Load(string relativePath) => Parse(File.ReadAllText(RepoFiles.Path(relativePath)));

    public static CloudFormationTemplate Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return new CloudFormationTemplate((Dictionary<string, object?>)Convert(stream.Documents[0].RootNode)!);
    }

    public Dictionary<string, object?> Section(string name) =>
        Root.TryGetValue(name, out var section) && section is Dictionary<string, object?> map ? map : [];

    public Dictionary<string, object?> Resource(string logicalId) => (Dictionary<string, object?>)Resources[logicalId]!;

    public static Dictionary<string, object?> Properties(Dictionary<string, object?> resource) =>
        (Dictionary<string, object?>)resource["Properties"]!;

    /// <summary>Every node below <paramref name="node"/>, itself included, depth first.</summary>
    public static IEnumerable<object?> Descendants(object? node)
    {
        yield return node;
        var children = node switch
        {
            Dictionary<string, object?> map => map.Values,
            List<object?> list => (IEnumerable<object?>)list,
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }

    /// <summary>Names referenced below <paramref name="node"/> by <c>Ref</c>, <c>Fn::Sub</c> or <c>Fn::GetAtt</c>.</summary>
    public static ISet<string> ReferencedNames(object? node)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var map in Descendants(node).OfType<Dictionary<string, object?>>())
        {
            if (map.TryGetValue("Ref", out var reference) && reference is string name)
            {
                names.Add(name);
            }

            if (map.TryGetValue("Fn::GetAtt", out var getAtt) && getAtt is List<object?> { Count: > 0 } parts && parts[0] is string resource)
            {
                names.Add(resource);
            }

            if (map.TryGetValue("Fn::Sub", out var sub))
            {
                var text = sub switch
                {
                    string s => s,
                    List<object?> { Count: > 0 } list when list[0] is string s => s,
                    _ => string.Empty,
                };
                foreach (Match match in SubVariable().Matches(text))
                {
                    names.Add(match.Groups[1].Value.Split('.')[0]);
                }
            }
        }

        return names;
    }

    /// <summary>
    /// IAM policy statements anywhere in the template, with both branches of an <c>Fn::If</c> around a statement.
    /// </summary>
    public IEnumerable<Dictionary<string, object?>> PolicyStatements() =>
        Descendants(Resources)
            .OfType<Dictionary<string, object?>>()
            .Where(map => map.ContainsKey("Effect") && (map.ContainsKey("Action") || map.ContainsKey("NotAction")));

    /// <summary>A value as a list of its items (a single value becomes a one-item list).</summary>
    public static List<object?> AsList(object? value) => value is List<object?> list ? list : [value];

    private static object? Convert(YamlNode node)
    {
        object? value = node switch
        {
            YamlScalarNode scalar => scalar.Value,
            YamlSequenceNode sequence => sequence.Children.Select(Convert).ToList(),
            YamlMappingNode mapping => mapping.Children.ToDictionary(
                pair => ((YamlScalarNode)pair.Key).Value!,
                pair => Convert(pair.Value),
                StringComparer.Ordinal),
            _ => throw new InvalidDataException($"unexpected YAML node {node.NodeType} at {node.Start}"),
        };

        if (node.Tag.IsEmpty || !node.Tag.Value.StartsWith('!'))
        {
            return value;
        }

        var function = node.Tag.Value[1..];
        if (function == "GetAtt" && value is string dotted)
        {
            var dot = dotted.IndexOf('.', StringComparison.Ordinal);
            value = new List<object?> { dotted[..dot], dotted[(dot + 1)..] };
        }

        var name = function is "Ref" or "Condition" ? function : "Fn::" + function;
        return new Dictionary<string, object?>(StringComparer.Ordinal) { [name] = value };
    }

    [GeneratedRegex(@"\$\{(?!!)([A-Za-z0-9_:.]+)\}")]
    private static partial Regex SubVariable();
}

/// <summary>Repository files the test project copies next to itself (see LokiShipper.Tests.csproj).</summary>
public static class RepoFiles
{
    public static string Path(string relative) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "repo", relative.Replace('/', System.IO.Path.DirectorySeparatorChar));
}
