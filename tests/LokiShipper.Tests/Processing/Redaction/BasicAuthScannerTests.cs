using static LokiShipper.Tests.Processing.Redaction.RedactionHarness;

namespace LokiShipper.Tests.Processing.Redaction;

public class BasicAuthScannerTests
{
    [Theory]
    [InlineData("connecting to postgres://app:s3cr3t@db.internal:5432/orders?sslmode=require", "connecting to postgres://app:[REDACTED:basic_auth]@db.internal:5432/orders?sslmode=require")]
    [InlineData("REDIS_URL=redis://:hunter2@cache.internal:6379/0", "REDIS_URL=redis://:[REDACTED:basic_auth]@cache.internal:6379/0")]
    [InlineData("""{"url":"https://deploy:p@ss:w0rd@git.example.com/org/repo.git"}""", """{"url":"https://deploy:[REDACTED:basic_auth]@git.example.com/org/repo.git"}""")]
    [InlineData("Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [REDACTED:basic_auth]")]
    [InlineData("authorization=basic YWxhZGRpbjpvcGVuc2VzYW1l;", "authorization=basic [REDACTED:basic_auth];")]
    public void The_password_is_replaced_and_scheme_user_and_host_kept(string line, string expected)
    {
        Assert.Equal(expected, Rules("basic_auth", line));
    }

    [Fact]
    public void The_password_is_not_mistaken_for_an_email_address()
    {
        Assert.Equal("https://bob:[REDACTED:basic_auth]@example.com/ from [REDACTED:email]", Rules("all", "https://bob:hunter2@example.com/ from bob@example.com"));
    }

    [Theory]
    [InlineData("GET https://shop.example.com:8443/orders?notify=bob@example.com")]
    [InlineData("cloning https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/org/repo (a user, no password)")]
    [InlineData("basic information, Basic YWJjZGVmZ2g= (no colon in it), Basic auth enabled")]
    [InlineData("s3://my-bucket/key@2026 and file:///tmp/x")]
    public void What_holds_no_password_is_left_alone(string line)
    {
        Assert.Equal(line, Rules("basic_auth", line));
    }
}
