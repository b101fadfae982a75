using Amazon.Runtime;

namespace LokiShipper.Configuration;

/// <summary>
/// Replaces credential variables that hold an SSM parameter ARN or a Secrets Manager secret ARN by the value stored
/// there, once at cold start. Errors name the variable and the ARN, never a value.
/// </summary>
internal static class SecretResolver
{
    public static readonly IReadOnlyList<string> SecretVariables = ["USERNAME", "PASSWORD", "BEARER_TOKEN"];

    /// <summary>Returns a lookup that answers the resolved values; <paramref name="store"/> is only asked when an ARN is present.</summary>
    public static async Task<Func<string, string?>> ResolveAsync(Func<string, string?> environment, Func<ISecretStore> store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(store);
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        ISecretStore? opened = null;
        foreach (var variable in SecretVariables)
        {
            var value = environment(variable);
            if (value is not null && value.StartsWith("arn:", StringComparison.Ordinal) && SecretReference.TryParse(variable, value) is null)
            {
                problems.Add($"{variable} looks like an ARN but is neither arn:aws:ssm:REGION:ACCOUNT:parameter/NAME nor arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME");
                continue;
            }

            if (SecretReference.TryParse(variable, value) is not { } reference)
            {
                continue;
            }

            try
            {
                opened ??= store();
                resolved[variable] = await opened.GetAsync(reference, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
            {
                problems.Add($"{variable}: could not read {reference.Arn} through SSM GetParameter ({reference.ParameterName}): {ex.GetType().Name}: {ex.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationException(problems);
        }

        return name => resolved.TryGetValue(name, out var value) ? value : environment(name);
    }
}
