using System.Text.Json;

namespace LokiShipper.Onboarding.CustomResources;

/// <summary>
/// A CloudFormation custom resource request, as CloudFormation invokes the function with it
/// (<c>RequestType</c>, <c>ResponseURL</c>, <c>StackId</c>, <c>RequestId</c>, <c>LogicalResourceId</c>, ...).
/// </summary>
/// <param name="RequestType"><c>Create</c>, <c>Update</c> or <c>Delete</c>.</param>
/// <param name="ResponseUrl">The pre-signed S3 URL the answer is PUT to. A credential: never logged whole.</param>
/// <param name="StackId">The stack's ARN.</param>
/// <param name="RequestId">CloudFormation's id of this request, echoed in the answer.</param>
/// <param name="LogicalResourceId">The resource's name in the template.</param>
/// <param name="PhysicalResourceId">The id the function gave at Create (Update and Delete only).</param>
/// <param name="Properties">The resource's properties, <c>ServiceToken</c> included.</param>
/// <param name="OldProperties">The properties before an Update.</param>
internal sealed record CustomResourceRequest(
    string RequestType,
    Uri ResponseUrl,
    string StackId,
    string RequestId,
    string LogicalResourceId,
    string? PhysicalResourceId,
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyDictionary<string, string>? OldProperties)
{
    /// <summary>
    /// Reads the request, or null when <paramref name="root"/> is not one. Property values are kept as strings, as
    /// CloudFormation sends them; a list (a JSON array of strings) is joined with commas.
    /// </summary>
    /// <exception cref="FormatException">It is a custom resource request, but a required field is missing or invalid.</exception>
    public static CustomResourceRequest? TryRead(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("RequestType", out _)
            || !root.TryGetProperty("ResponseURL", out _)
            || !root.TryGetProperty("StackId", out _))
        {
            return null;
        }

        var type = Required(root, "RequestType");
        if (type is not ("Create" or "Update" or "Delete"))
        {
            throw new FormatException($"custom resource request: RequestType must be Create, Update or Delete, not '{type}'");
        }

        var url = Required(root, "ResponseURL");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var responseUrl) || (responseUrl.Scheme != Uri.UriSchemeHttps && responseUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new FormatException("custom resource request: ResponseURL is not an http(s) URL");
        }

        return new CustomResourceRequest(
            type,
            responseUrl,
            Required(root, "StackId"),
            Required(root, "RequestId"),
            Required(root, "LogicalResourceId"),
            Optional(root, "PhysicalResourceId"),
            ReadProperties(root, "ResourceProperties") ?? new Dictionary<string, string>(StringComparer.Ordinal),
            ReadProperties(root, "OldResourceProperties"));
    }

    /// <summary>The stack's name, from <see cref="StackId"/> (<c>arn:aws:cloudformation:region:account:stack/name/guid</c>).</summary>
    public string StackName
    {
        get
        {
            var parts = StackId.Split('/');
            return parts.Length >= 3 ? parts[1] : StackId;
        }
    }

    private static string Required(JsonElement root, string name) =>
        Optional(root, name) ?? throw new FormatException($"custom resource request: {name} is missing or not a string");

    private static string? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static Dictionary<string, string>? ReadProperties(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in properties.EnumerateObject())
        {
            values[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Array => string.Join(',', property.Value.EnumerateArray().Select(Scalar)),
                _ => Scalar(property.Value),
            };
        }

        return values;
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };
}
