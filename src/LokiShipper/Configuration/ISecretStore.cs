
namespace LokiShipper.Configuration;

/// <summary>Reads secret values (our own seam, so tests can stand in for AWS).</summary>
internal interface ISecretStore
{
    Task<string> GetAsync(SecretReference reference, CancellationToken cancellationToken);
}
