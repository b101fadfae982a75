using Amazon;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace LokiShipper.Configuration;

/// <summary>Where a credential variable's value really lives: an SSM parameter name in a region.</summary>
/// <param name="Variable">The environment variable that referenced it.</param>
/// <param name="Arn">The ARN the variable holds (not secret).</param>
/// <param name="Region">The region of the parameter or secret.</param>
/// <param name="ParameterName">The name to ask SSM's GetParameter for.</param>
internal sealed record SecretReference(string Variable, string Arn, string Region, string ParameterName)
{
    /// <summary>
    /// Recognises <c>arn:aws:ssm:REGION:ACCOUNT:parameter/NAME</c> and
    /// <c>arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX</c>; anything else is a literal value.
    /// </summary>
    public static SecretReference? TryParse(string variable, string? value)
    {
        if (value is null || !value.StartsWith("arn:", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = value.Split(':', 6);
        if (parts.Length < 6 || parts[3].Length == 0)
        {
            return null;
        }

        var (service, region, resource) = (parts[2], parts[3], parts[5]);
        if (service == "ssm" && resource.StartsWith("parameter/", StringComparison.Ordinal))
        {
            var name = resource["parameter".Length..]; // keeps the leading '/': parameter names are paths
            return new SecretReference(variable, value, region, name.StartsWith("//", StringComparison.Ordinal) ? name[1..] : name);
        }

        if (service == "secretsmanager" && resource.StartsWith("secret:", StringComparison.Ordinal))
        {
            // Secrets Manager appends "-" and 6 random characters to the name in the ARN; the reference path wants
            // the name. Parameter Store's reference path reads a secret through SSM, so one SDK package serves both.
            var name = resource["secret:".Length..];
            if (name.Length > 7 && name[^7] == '-')
            {
                name = name[..^7];
            }

            return new SecretReference(variable, value, region, "/aws/reference/secretsmanager/" + name);
        }

        return null;
    }
}

/// <summary>Reads secret values (our own seam, so tests can stand in for AWS).</summary>
internal interface ISecretStore
{
    Task<string> GetAsync(SecretReference reference, CancellationToken cancellationToken);
}

/// <summary>Reads parameters (and, through the reference path, secrets) with SSM <c>GetParameter</c>, decrypted.</summary>
internal sealed class SsmSecretStore : ISecretStore, IDisposable
{
    private readonly Func<string, IAmazonSimpleSystemsManagement> _clientFor;
    private readonly Dictionary<string, IAmazonSimpleSystemsManagement> _clients = new(StringComparer.Ordinal);

    /// <param name="clientFor">Makes a client for a region; null = the SDK's default credentials and endpoints.</param>
    public SsmSecretStore(Func<string, IAmazonSimpleSystemsManagement>? clientFor = null)
    {
        _clientFor = clientFor ?? (region => new AmazonSimpleSystemsManagementClient(RegionEndpoint.GetBySystemName(region)));
    }

    /// <summary>A store that talks to an explicit endpoint (moto, LocalStack, a VPC endpoint) with given credentials.</summary>
    public static SsmSecretStore ForEndpoint(Uri serviceUrl, AWSCredentials credentials) =>
        new(region => new AmazonSimpleSystemsManagementClient(credentials, new AmazonSimpleSystemsManagementConfig
        {
            ServiceURL = serviceUrl.ToString(),
            AuthenticationRegion = region,
        }));

    public async Task<string> GetAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!_clients.TryGetValue(reference.Region, out var client))
        {
            client = _clientFor(reference.Region);
            _clients.Add(reference.Region, client);
        }

        var response = await client.GetParameterAsync(new GetParameterRequest { Name = reference.ParameterName, WithDecryption = true }, cancellationToken).ConfigureAwait(false);
        return response.Parameter.Value;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}

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
