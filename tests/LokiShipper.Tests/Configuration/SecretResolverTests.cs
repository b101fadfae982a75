using Amazon.Runtime;
using Moq;
using LokiShipper.Configuration;
using LokiShipper.Diagnostics;
using LokiShipper.Runtime;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Configuration;

public class SecretReferenceTests
{
    [Theory]
    [InlineData("arn:aws:ssm:eu-west-1:123456789012:parameter/loki/password", "eu-west-1", "/loki/password")]
    [InlineData("arn:aws:ssm:us-east-1:123456789012:parameter/top", "us-east-1", "/top")]
    [InlineData("arn:aws:secretsmanager:eu-central-1:123456789012:secret:loki/creds-AbC123", "eu-central-1", "/aws/reference/secretsmanager/loki/creds")]
    [InlineData("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-y-Q1w2E3", "cn-north-1", "/aws/reference/secretsmanager/x-y")]
    public void Arns_become_ssm_parameter_names_in_their_region(string arn, string region, string name)
    {
        var reference = SecretReference.TryParse("PASSWORD", arn)!;

        Assert.Equal(new SecretReference("PASSWORD", arn, region, name), reference);
    }

    [Theory]
    [InlineData("hunter2")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("arn:aws:s3:::bucket/key")]
    public void Other_values_are_literal(string? value)
    {
        Assert.Null(SecretReference.TryParse("PASSWORD", value));
    }
}

public class SecretResolverTests
{
    private static Func<string, string?> Env(params (string, string)[] values) =>
        name => values.FirstOrDefault(v => v.Item1 == name).Item2;

    [Fact]
    public async Task Without_arns_no_secret_store_is_created()
    {
        var lookup = await SecretResolver.ResolveAsync(Env(("PASSWORD", "literal")), () => throw new InvalidOperationException("not needed"), CancellationToken.None);

        Assert.Equal("literal", lookup("PASSWORD"));
    }

    [Fact]
    public async Task Arns_are_replaced_by_the_stored_values_and_other_variables_pass_through()
    {
        var store = new Mock<ISecretStore>(MockBehavior.Strict);
        store.Setup(s => s.GetAsync(It.Is<SecretReference>(r => r.ParameterName == "/loki/user"), It.IsAny<CancellationToken>())).ReturnsAsync("alice");
        store.Setup(s => s.GetAsync(It.Is<SecretReference>(r => r.ParameterName == "/aws/reference/secretsmanager/loki/pw"), It.IsAny<CancellationToken>())).ReturnsAsync("s3cret");

        var lookup = await SecretResolver.ResolveAsync(
            Env(("USERNAME", "arn:aws:ssm:eu-west-1:1:parameter/loki/user"), ("PASSWORD", "arn:aws:secretsmanager:eu-west-1:1:secret:loki/pw-AbCdEf"), ("TENANT_ID", "t")),
            () => store.Object,
            CancellationToken.None);

        Assert.Equal(("alice", "s3cret", "t"), (lookup("USERNAME"), lookup("PASSWORD"), lookup("TENANT_ID")));
    }

    [Fact]
    public async Task A_failed_lookup_names_the_variable_and_arn()
    {
        var store = new Mock<ISecretStore>();
        store.Setup(s => s.GetAsync(It.IsAny<SecretReference>(), It.IsAny<CancellationToken>())).ThrowsAsync(new AmazonServiceException("User is not authorized to perform: ssm:GetParameter"));

        var ex = await Assert.ThrowsAsync<ConfigurationException>(() => SecretResolver.ResolveAsync(
            Env(("BEARER_TOKEN", "arn:aws:ssm:eu-west-1:1:parameter/loki/token")), () => store.Object, CancellationToken.None));

        Assert.Equal("Invalid configuration: BEARER_TOKEN: could not read arn:aws:ssm:eu-west-1:1:parameter/loki/token through SSM GetParameter (/loki/token): AmazonServiceException: User is not authorized to perform: ssm:GetParameter", ex.Message);
    }

    [Fact]
    public async Task An_arn_of_another_service_is_refused()
    {
        var ex = await Assert.ThrowsAsync<ConfigurationException>(() => SecretResolver.ResolveAsync(
            Env(("PASSWORD", "arn:aws:s3:::bucket/pw.txt")), () => throw new InvalidOperationException(), CancellationToken.None));

        Assert.Contains("PASSWORD looks like an ARN but is neither arn:aws:ssm:REGION:ACCOUNT:parameter/NAME nor arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME", ex.Message);
    }
}

/// <summary>
/// The real AWS SDK against moto, and a secret-free log whatever happens. Each test skips without moto_server or aws on
/// PATH (fails instead under <c>LOKISHIPPER_REQUIRE_SERVICES=1</c>); see <see cref="MotoServer.Unavailable"/>.
/// </summary>
public sealed class SecretsAgainstMotoTests : IClassFixture<MotoServer>, IAsyncLifetime
{
    private readonly MotoServer _moto;
    private LokiReceiver _receiver = null!;

    public SecretsAgainstMotoTests(MotoServer moto)
    {
        _moto = moto;
    }

    public async Task InitializeAsync() => _receiver = await LokiReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private SsmSecretStore Store() => SsmSecretStore.ForEndpoint(_moto.Endpoint, new BasicAWSCredentials("testing", "testing"));

    [SkippableFact]
    public async Task Ssm_parameters_and_secrets_manager_secrets_are_read_through_get_parameter()
    {
        _moto.SkipIfUnavailable();
        using var store = Store();

        Assert.Equal(MotoServer.ParameterValue, await store.GetAsync(SecretReference.TryParse("USERNAME", _moto.ParameterArn)!, CancellationToken.None));
        Assert.Equal(MotoServer.SecretValue, await store.GetAsync(SecretReference.TryParse("PASSWORD", _moto.SecretArn)!, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Resolved_credentials_authenticate_and_no_secret_reaches_the_log_of_a_good_or_a_failing_invocation()
    {
        _moto.SkipIfUnavailable();
        var env = new Dictionary<string, string>
        {
            ["WRITE_ADDRESS"] = _receiver.PushUrl.ToString(),
            ["USERNAME"] = _moto.ParameterArn,
            ["PASSWORD"] = _moto.SecretArn,
        };
        var options = await Composition.LoadOptionsAsync(env.GetValueOrDefault, Store, CancellationToken.None);
        var log = new StringWriter();
        var handler = Composition.CreateFunction(options, new ShipperLog(log, LokiShipper.Diagnostics.LogLevel.Debug), TimeProvider.System);
        var payload = TestEvents.CloudWatch("/aws/lambda/app", "s", (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "hello"));

        await handler.HandleAsync(payload, new InvocationContext("ok", DateTimeOffset.UtcNow.AddSeconds(20)), CancellationToken.None);
        _receiver.Enqueue(LokiReceiver.Status(401, "invalid credentials"));
        var failure = await Assert.ThrowsAsync<LokiShipper.Function.InvocationFailedException>(() =>
            handler.HandleAsync(payload, new InvocationContext("bad", DateTimeOffset.UtcNow.AddSeconds(20)), CancellationToken.None));

        var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{MotoServer.ParameterValue}:{MotoServer.SecretValue}"));
        Assert.Equal(expected, _receiver.Received[0].Headers["Authorization"]);
        var everything = log + failure.ToString() + options;
        Assert.Contains("\"ok\":true", log.ToString());
        Assert.Contains("\"ok\":false", log.ToString());
        Assert.DoesNotContain(MotoServer.ParameterValue, everything);
        Assert.DoesNotContain(MotoServer.SecretValue, everything);
        Assert.DoesNotContain(expected["Basic ".Length..], everything);
    }

    [SkippableFact]
    public async Task A_missing_parameter_is_a_configuration_error_naming_the_variable()
    {
        _moto.SkipIfUnavailable();
        var env = new Dictionary<string, string> { ["BEARER_TOKEN"] = $"arn:aws:ssm:{MotoServer.Region}:123456789012:parameter/does/not/exist" };

        var ex = await Assert.ThrowsAsync<ConfigurationException>(() => Composition.LoadOptionsAsync(env.GetValueOrDefault, Store, CancellationToken.None));

        Assert.StartsWith("Invalid configuration: BEARER_TOKEN: could not read arn:aws:ssm:eu-west-1:123456789012:parameter/does/not/exist through SSM GetParameter (/does/not/exist): ParameterNotFoundException", ex.Message);
    }

    [SkippableFact]
    public async Task The_deployed_program_reads_the_token_at_cold_start_with_the_default_sdk_configuration()
    {
        _moto.SkipIfUnavailable();
        await using var api = await FakeRuntimeApi.StartAsync();
        var info = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "LokiShipper.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        ChildEnvironment.Isolate(info, [
            .. MotoServer.AwsEnvironment,
            new("AWS_ENDPOINT_URL", _moto.Endpoint.ToString()), // the SDK's standard endpoint override
            new("AWS_LAMBDA_RUNTIME_API", api.Address),
            new("WRITE_ADDRESS", _receiver.PushUrl.ToString()),
            new("BEARER_TOKEN", _moto.TokenParameterArn),
        ]);
        using var process = System.Diagnostics.Process.Start(info)!;
        try
        {
            api.Enqueue("r1", DateTimeOffset.UtcNow.AddSeconds(30), File.ReadAllBytes(TestEvents.SamplePath("cloudwatch-logs.json")));

            var post = await api.NextPostAsync();

            Assert.Equal("response", post.Kind);
            Assert.Equal($"Bearer {MotoServer.TokenValue}", Assert.Single(_receiver.Received).Headers["Authorization"]);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        Assert.Contains("\"auth\":\"bearer token (redacted)\"", output);
        Assert.DoesNotContain(MotoServer.TokenValue, output);
    }
}
