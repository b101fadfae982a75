using static LokiShipper.Tests.Processing.Redaction.RedactionHarness;

namespace LokiShipper.Tests.Processing.Redaction;

public class Ipv4ScannerTests
{
    [Theory]
    [InlineData(
        "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829",
        "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] [REDACTED:ipv4] \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829")]
    [InlineData(
        "203.0.113.7 - - [30/Nov/2026:10:04:31 +0000] \"GET /index.html HTTP/1.1\" 200 612 \"-\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\"",
        "[REDACTED:ipv4] - - [30/Nov/2026:10:04:31 +0000] \"GET /index.html HTTP/1.1\" 200 612 \"-\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\"")]
    [InlineData(
        "https 2026-11-30T10:04:31.123456Z app/shop-alb/50dc6c495c0c9188 198.51.100.24:52114 10.0.1.23:8080 0.001 0.012 0.000 200 200 34 366 \"GET https://shop.example.com:443/api/orders?id=42 HTTP/1.1\" \"curl/8.5.0\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop/73e2d6bc24d8a067 \"Root=1-5f84c7a3-3b1a2c4d5e6f7a8b9c0d1e2f\" \"shop.example.com\" \"-\" 0 2026-11-30T10:04:31.110000Z \"forward\" \"-\" \"-\" \"10.0.1.23:8080\" \"200\" \"-\" \"-\"",
        "https 2026-11-30T10:04:31.123456Z app/shop-alb/50dc6c495c0c9188 [REDACTED:ipv4]:52114 [REDACTED:ipv4]:8080 0.001 0.012 0.000 200 200 34 366 \"GET https://shop.example.com:443/api/orders?id=42 HTTP/1.1\" \"curl/8.5.0\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop/73e2d6bc24d8a067 \"Root=1-5f84c7a3-3b1a2c4d5e6f7a8b9c0d1e2f\" \"shop.example.com\" \"-\" 0 2026-11-30T10:04:31.110000Z \"forward\" \"-\" \"-\" \"[REDACTED:ipv4]:8080\" \"200\" \"-\" \"-\"")]
    [InlineData("""{"sourceIPAddress":"192.0.2.254","msg":"x-forwarded-for: 172.16.0.9, 255.255.255.255"}""", """{"sourceIPAddress":"[REDACTED:ipv4]","msg":"x-forwarded-for: [REDACTED:ipv4], [REDACTED:ipv4]"}""")]
    [InlineData("proxy_pass http://10.0.0.12:8080/; peer=(10.0.0.13). Done at 10.0.0.14.", "proxy_pass http://[REDACTED:ipv4]:8080/; peer=([REDACTED:ipv4]). Done at [REDACTED:ipv4].")]
    [InlineData("""{"msg":"peers:\n10.0.0.1\t10.0.0.2"}""", """{"msg":"peers:\n[REDACTED:ipv4]\t[REDACTED:ipv4]"}""")]
    [InlineData("leading zeros 010.001.002.003", "leading zeros [REDACTED:ipv4]")]
    public void An_address_is_replaced(string line, string expected)
    {
        Assert.Equal(expected, Rules("ipv4", line));
    }

    [Theory]
    [InlineData("lokishipper 1.2.3 built with dotnet 10.0.100, chart v2.14.0, TLSv1.2")]
    [InlineData("a longer dotted run 1.2.3.4.5 and 1.10.0.0.1 is no address")]
    [InlineData("v1.2.3.4 and build4.5.6.7 are versions, so is 1.2.3.4b")]
    [InlineData("octets past 255: 256.1.1.1 and 1.1.1.1000")]
    [InlineData("time: 0.2477829 ratio 12.5.0")]
    [InlineData("listening on 0.0.0.0:8080, route 10.0.0.0/8 via gateway")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")]
    [InlineData("2026-11-30T10:04:31.123Z REPORT RequestId: 1e1b7551-0001-4c2a-9b3d-6f5e4d3c2b1a\tDuration: 12.34 ms")]
    public void What_is_not_an_address_is_left_alone(string line)
    {
        Assert.Equal(line, Rules("ipv4", line));
    }

    [Fact]
    public void A_four_part_version_looks_like_an_address_and_is_replaced()
    {
        // Documented: nothing in 10.0.0.1 says "version".
        Assert.Equal("agent [REDACTED:ipv4] started", Rules("ipv4", "agent 10.0.0.1 started"));
    }
}
