using Amazon;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace LokiShipper.Configuration;

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
