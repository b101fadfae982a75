using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using LokiShipper.Onboarding.CloudWatchLogs;
using LokiShipper.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace LokiShipper.Tests.Onboarding.CloudWatchLogs;

/// <summary>Retries, signing and error reading, against a scripted handler on a fake clock (no real waiting).</summary>
public sealed class CloudWatchLogsClientRetryTests
{
    private const string Secret = "s3cr3t-never-in-messages";
    private const string Throttled = """{"__type":"ThrottlingException","message":"Rate exceeded"}""";
    private static readonly Uri Endpoint = new("https://logs.eu-west-1.amazonaws.com");

    [Fact]
    public async Task Throttling_IsRetriedWithGrowingWaits_ThenSucceeds()
    {
        var time = FakeClock.New();
        var handler = new ScriptedHandler(time).ThenStatus(400, Throttled).ThenStatus(400, Throttled).ThenStatus(200, "{}");
        using var client = NewClient(handler, time);

        await RunAsync(time, () => client.PutRetentionPolicyAsync("/aws/lambda/checkout", 30));

        var requests = handler.Requests;
        Assert.Equal(3, requests.Count);
        var first = requests[1].At - requests[0].At;
        var second = requests[2].At - requests[1].At;
        Assert.InRange(first, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(260));
        Assert.True(second > first, $"the second wait ({second.TotalMilliseconds} ms) should be longer than the first ({first.TotalMilliseconds} ms)");
        Assert.All(requests, r =>
        {
            Assert.Equal(HttpMethod.Post, r.Request.Method);
            Assert.Equal("Logs_20140328.PutRetentionPolicy", Assert.Single(r.Request.Headers.GetValues("X-Amz-Target")));
            Assert.Equal("application/x-amz-json-1.1", r.Request.Content!.Headers.ContentType!.ToString());
            using var body = JsonDocument.Parse(r.Body);
            Assert.Equal("/aws/lambda/checkout", body.RootElement.GetProperty("logGroupName").GetString());
            Assert.Equal(30, body.RootElement.GetProperty("retentionInDays").GetInt32());
        });
    }

    [Fact]
    public async Task EveryRequest_IsSignedWithSigV4()
    {
        var time = FakeClock.New();
        var handler = new ScriptedHandler(time).ThenStatus(200, """{"subscriptionFilters":[]}""");
        using var client = NewClient(handler, time);

        await RunAsync(time, () => client.DescribeSubscriptionFiltersAsync("/aws/lambda/checkout"));

        var (_, request, body) = Assert.Single(handler.Requests);
        var authorization = Assert.Single(request.Headers.GetValues("Authorization"));
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=testing/20261122/eu-west-1/logs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=", authorization, StringComparison.Ordinal);
        Assert.Equal("20261122T120000Z", Assert.Single(request.Headers.GetValues("X-Amz-Date")));
        Assert.DoesNotContain(Secret, authorization, StringComparison.Ordinal);
        Assert.Equal(ExpectedSignature(request, body, Secret, "eu-west-1"), authorization[(authorization.LastIndexOf('=') + 1)..]);
    }

    [Fact]
    public async Task ASessionToken_IsSentAndSigned()
    {
        var time = FakeClock.New();
        var handler = new ScriptedHandler(time).ThenStatus(200, "");
        using var client = new CloudWatchLogsClient(handler, Endpoint, "eu-west-1", new SessionAWSCredentials("testing", Secret, "session-token"), time);

        await RunAsync(time, () => client.DeleteSubscriptionFilterAsync("/g", "loki"));

        var (_, request, body) = Assert.Single(handler.Requests);
        Assert.Equal("session-token", Assert.Single(request.Headers.GetValues("X-Amz-Security-Token")));
        var authorization = Assert.Single(request.Headers.GetValues("Authorization"));
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,", authorization, StringComparison.Ordinal);
        Assert.Equal(ExpectedSignature(request, body, Secret, "eu-west-1"), authorization[(authorization.LastIndexOf('=') + 1)..]);
    }

    [Fact]
    public async Task LimitExceeded_IsNotRetried()
    {
        var time = FakeClock.New();
        var handler = new ScriptedHandler(time).ThenStatus(400, """{"__type":"com.amazonaws.logs#LimitExceededException","message":"Resource limit exceeded."}""");
        using var client = NewClient(handler, time);

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => RunAsync(time, () => client.PutSubscriptionFilterAsync("/g", "loki", "", "arn:aws:lambda:eu-west-1:123456789012:function:shipper")));

        Assert.Single(handler.Requests);
        Assert.Equal("LimitExceededException", error.ErrorCode);
        Assert.Equal(1, error.Attempts);
        Assert.Equal("CloudWatch Logs PutSubscriptionFilter for log group '/g' failed with LimitExceededException: Resource limit exceeded. (HTTP 400, 1 attempt)", error.Message);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerErrors_AreRetried_UpToTheBound()
    {
        var time = FakeClock.New();
        var handler = new ScriptedHandler(time);
        for (var i = 0; i < 10; i++)
        {
            handler.ThenStatus(503, "<html>Service Unavailable</html>");
        }

        using var client = NewClient(handler, time);

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => RunAsync(time, () => client.DescribeLogGroupsAsync(null)));

        Assert.Equal(CloudWatchLogsClient.DefaultMaxAttempts, handler.Requests.Count);
        Assert.Equal(CloudWatchLogsClient.DefaultMaxAttempts, error.Attempts);
        Assert.Equal("Http503", error.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Null(error.LogGroup);
    }

    [Fact]
    public async Task TooManyRequests_WithoutABody_IsRetried()
    {
        var time = FakeClock.New();
        var handler = new ScriptedHandler(time).ThenStatus(429).ThenStatus(200, """{"logGroups":[]}""");
        using var client = NewClient(handler, time);

        var groups = await RunAsync(time, () => client.DescribeLogGroupsAsync(null));

        Assert.Empty(groups);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task DescribeLogGroups_FollowsNextToken()
    {
        var time = FakeClock.New();
        var handler = new ScriptedHandler(time)
            .ThenStatus(200, """{"logGroups":[{"logGroupName":"/a","arn":"arn:aws:logs:eu-west-1:1:log-group:/a:*","retentionInDays":7}],"nextToken":"page-2"}""")
            .ThenStatus(200, """{"logGroups":[{"logGroupName":"/b","arn":"arn:aws:logs:eu-west-1:1:log-group:/b:*"}],"nextToken":null}""");
        using var client = NewClient(handler, time);

        var groups = await RunAsync(time, () => client.DescribeLogGroupsAsync("/"));

        Assert.Equal([new LogGroupInfo("/a", "arn:aws:logs:eu-west-1:1:log-group:/a:*", 7), new LogGroupInfo("/b", "arn:aws:logs:eu-west-1:1:log-group:/b:*", null)], groups);
        using var second = JsonDocument.Parse(handler.Requests[1].Body);
        Assert.Equal("page-2", second.RootElement.GetProperty("nextToken").GetString());
        Assert.Equal("/", second.RootElement.GetProperty("logGroupNamePrefix").GetString());
    }

    [Fact]
    public async Task TheSameNextTokenTwice_FailsInsteadOfLooping()
    {
        var time = FakeClock.New();
        const string page = """{"subscriptionFilters":[],"nextToken":"again"}""";
        var handler = new ScriptedHandler(time).ThenStatus(200, page).ThenStatus(200, page).ThenStatus(200, page);
        using var client = NewClient(handler, time);

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => RunAsync(time, () => client.DescribeSubscriptionFiltersAsync("/g")));

        Assert.Equal("RepeatedNextToken", error.ErrorCode);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Theory]
    [InlineData(null, null, "https://logs.eu-west-1.amazonaws.com/")]
    [InlineData("http://127.0.0.1:5000", null, "http://127.0.0.1:5000/")]
    [InlineData("http://127.0.0.1:5000", "http://localhost:4566", "http://localhost:4566/")]
    [InlineData(null, "http://localhost:4566", "http://localhost:4566/")]
    public void TheEndpoint_ComesFromTheEnvironmentOrTheRegion(string? global, string? logs, string expected)
    {
        var environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = global, ["AWS_ENDPOINT_URL_LOGS"] = logs };

        Assert.Equal(new Uri(expected), CloudWatchLogsClient.ResolveEndpoint("eu-west-1", name => environment.GetValueOrDefault(name)));
    }

    [Fact]
    public void TheRegion_IsAwsRegion_ThenAwsDefaultRegion()
    {
        Assert.Equal("us-east-2", CloudWatchLogsClient.ResolveRegion(name => name == "AWS_REGION" ? "us-east-2" : "eu-west-1"));
        Assert.Equal("eu-west-1", CloudWatchLogsClient.ResolveRegion(name => name == "AWS_DEFAULT_REGION" ? "eu-west-1" : null));
        Assert.Equal("https://logs.cn-north-1.amazonaws.com.cn/", CloudWatchLogsClient.ResolveEndpoint("cn-north-1", _ => null).ToString());
        Assert.Throws<InvalidOperationException>(() => CloudWatchLogsClient.ResolveRegion(_ => null));
    }

    private static CloudWatchLogsClient NewClient(ScriptedHandler handler, FakeTimeProvider time) =>
        new(handler, Endpoint, "eu-west-1", new BasicAWSCredentials("testing", Secret), time);

    private static Task<bool> RunAsync(FakeTimeProvider time, Func<Task> call) => FakeClock.RunAsync(time, Completed(call));

    private static Task<T> RunAsync<T>(FakeTimeProvider time, Func<Task<T>> call) => FakeClock.RunAsync(time, call());

    private static async Task<bool> Completed(Func<Task> call)
    {
        await call();
        return true;
    }

    /// <summary>SigV4 computed here from the request as sent, independently of the SDK's signer.</summary>
    private static string ExpectedSignature(HttpRequestMessage request, byte[] body, string secret, string region)
    {
        var authorization = request.Headers.GetValues("Authorization").Single();
        var signedHeaders = authorization.Split("SignedHeaders=")[1].Split(',')[0].Split(';');
        var amzDate = request.Headers.GetValues("X-Amz-Date").Single();
        var canonical = new StringBuilder().Append("POST\n/\n\n");
        foreach (var name in signedHeaders)
        {
            var value = name switch
            {
                "host" => request.RequestUri!.Authority,
                "content-type" => request.Content!.Headers.ContentType!.ToString(),
                _ => request.Headers.GetValues(name).Single(),
            };
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(Convert.ToHexStringLower(SHA256.HashData(body)));
        var scope = $"{amzDate[..8]}/{region}/logs/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in (string[])[amzDate[..8], region, "logs", "aws4_request"])
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
    }
}
