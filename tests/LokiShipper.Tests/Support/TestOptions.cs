using LokiShipper.Configuration;

namespace LokiShipper.Tests.Support;

/// <summary>Options as the parser would produce them from the given variables (only the variables given).</summary>
internal static class TestOptions
{
    public static ShipperOptions From(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return ShipperOptionsParser.Parse(name => map.GetValueOrDefault(name));
    }
}
