
namespace LokiShipper.Tests.Support;

/// <summary>
/// moto, the AWS API emulator, on 127.0.0.1 (started by the fixture, stopped with it), with a Secrets Manager secret
/// and an SSM SecureString parameter created through the AWS CLI, as a user would.
/// </summary>
/// <remarks>
/// Without <c>moto_server</c> or <c>aws</c> on PATH the fixture starts nothing and records why in
/// <see cref="Unavailable"/>; every test that uses it begins with <see cref="SkipIfUnavailable"/>, which skips the test
/// with that reason, or fails it under <c>LOKISHIPPER_REQUIRE_SERVICES=1</c> (CI), as the real-Loki tests do.
/// </remarks>
public sealed class MotoServer : IAsyncLifetime
{
    public const string Region = "eu-west-1";
    public const string SecretName = "lokishipper/loki-password";
    public const string SecretValue = "pw-from-secrets-manager-7Qx";
    public const string ParameterName = "/lokishipper/loki-username";
    public const string ParameterValue = "user-from-ssm-4Kd";
    public const string TokenParameterName = "/lokishipper/loki-token";
    public const string TokenValue = "token-from-ssm-9Zr";

    private MotoProcess? _moto;

    public Uri Endpoint { get; private set; } = null!;
    public string SecretArn { get; private set; } = null!;
    public string ParameterArn => $"arn:aws:ssm:{Region}:123456789012:parameter{ParameterName}";
    public string TokenParameterArn => $"arn:aws:ssm:{Region}:123456789012:parameter{TokenParameterName}";

    /// <summary>Why moto could not be set up (which program is missing from PATH and how to install it), or null.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>Credentials moto accepts; also what child processes get in their environment.</summary>
    public static readonly IReadOnlyDictionary<string, string> AwsEnvironment = new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_REGION"] = Region,
    };

    /// <summary>
    /// Skips the calling test (a <c>[SkippableFact]</c>) when moto is unavailable, or fails it under
    /// <c>LOKISHIPPER_REQUIRE_SERVICES=1</c>; both with <see cref="Unavailable"/>.
    /// </summary>
    public void SkipIfUnavailable()
    {
        RealLokis.Fail(Unavailable is not null, Unavailable!);
        Skip.If(Unavailable is not null, Unavailable);
    }

    public async Task InitializeAsync()
    {
        Unavailable = MotoProcess.Unavailable("secrets", needsAwsCli: true);
        if (Unavailable is not null)
        {
            return;
        }

        _moto = await MotoProcess.StartAsync();
        Endpoint = _moto.Endpoint;

        SecretArn = (await _moto.AwsAsync("secretsmanager", "create-secret", "--name", SecretName, "--secret-string", SecretValue, "--query", "ARN", "--output", "text")).Trim();
        await _moto.AwsAsync("ssm", "put-parameter", "--name", ParameterName, "--type", "SecureString", "--value", ParameterValue);
        await _moto.AwsAsync("ssm", "put-parameter", "--name", TokenParameterName, "--type", "SecureString", "--value", TokenValue);
    }

    public async Task DisposeAsync()
    {
        if (_moto is not null)
        {
            await _moto.DisposeAsync();
        }
    }
}
