using System.Text.Json;
using LokiShipper.Tests.Support;
using YamlDotNet.Serialization;

namespace LokiShipper.Tests.Local;

/// <summary>
/// The files of deploy/local (the docker compose setup) as they are in the repository, copied next to the tests (see
/// LokiShipper.Tests.csproj), and reading their YAML: maps, lists and strings, as YamlDotNet gives them.
/// </summary>
internal static class LocalStack
{
    public const string Folder = "deploy/local";

    /// <summary>The copy of <c>deploy/local/<paramref name="relative"/></c>.</summary>
    public static string Path(string relative) => RepoFiles.Path($"{Folder}/{relative}");

    public static Dictionary<object, object> Yaml(string relative) =>
        new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(Path(relative)));

    public static JsonDocument Json(string relative) => JsonDocument.Parse(File.ReadAllBytes(Path(relative)));

    /// <summary>The node at <paramref name="path"/> (map keys, or list indexes as numbers), or null when there is none.</summary>
    public static object? At(object? node, params string[] path)
    {
        foreach (var step in path)
        {
            node = node switch
            {
                Dictionary<object, object> map => map.GetValueOrDefault(step),
                List<object> list when int.TryParse(step, System.Globalization.CultureInfo.InvariantCulture, out var index) && index < list.Count => list[index],
                _ => null,
            };
        }

        return node;
    }

    public static Dictionary<object, object> Map(object? node, params string[] path) =>
        At(node, path) as Dictionary<object, object> ?? throw new InvalidDataException($"no map at {string.Join('.', path)}");

    public static List<object> List(object? node, params string[] path) =>
        At(node, path) as List<object> ?? throw new InvalidDataException($"no list at {string.Join('.', path)}");

    public static string? Text(object? node, params string[] path) => At(node, path) as string;

    /// <summary>The keys of a map, as strings, in order.</summary>
    public static IReadOnlyList<string> Keys(Dictionary<object, object> map) => map.Keys.Select(k => (string)k).ToList();
}
