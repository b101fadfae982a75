using static LokiShipper.Tests.Processing.Redaction.RedactionHarness;

namespace LokiShipper.Tests.Processing.Redaction;

public class Ipv6ScannerTests
{
    [Theory]
    [InlineData("client [2001:db8:85a3::8a2e:370:7334]:443 connected", "client [[REDACTED:ipv6]]:443 connected")]
    [InlineData("from 2001:0db8:85a3:0000:0000:8a2e:0370:7334 ok", "from [REDACTED:ipv6] ok")]
    [InlineData("listening on [::1]:8080 and [::]:9090", "listening on [[REDACTED:ipv6]]:8080 and [::]:9090")]
    [InlineData("neighbour fe80::1ff:fe23:4567:890a%eth0 reachable", "neighbour [REDACTED:ipv6]%eth0 reachable")]
    [InlineData("addr:2001:db8::1: connection refused", "addr:[REDACTED:ipv6]: connection refused")]
    [InlineData("""{"sourceIPAddress":"2600:1f18:4a3:6902:a1b2:c3d4:e5f6:7788"}""", """{"sourceIPAddress":"[REDACTED:ipv6]"}""")]
    [InlineData("mapped ::ffff:192.0.2.1 seen.", "mapped [REDACTED:ipv6] seen.")]
    public void An_address_is_replaced(string line, string expected)
    {
        Assert.Equal(expected, Rules("ipv6", line));
    }

    [Fact]
    public void Hex_pairs_around_a_double_colon_standing_alone_are_an_address()
    {
        // Documented: "ab::cd" is a valid address, whatever it was meant to be.
        Assert.Equal("see [REDACTED:ipv6] here", Rules("ipv6", "see ab::cd here"));
    }

    [Fact]
    public void An_IPv4_tail_is_part_of_the_IPv6_address_when_both_rules_are_on()
    {
        Assert.Equal("mapped [REDACTED:ipv6] and [REDACTED:ipv4]", Rules("ipv4,ipv6", "mapped ::ffff:192.0.2.1 and 192.0.2.2"));
    }

    [Theory]
    [InlineData("2026-11-30T10:04:31.123Z\t1e1b7551-0001-4c2a-9b3d-6f5e4d3c2b1a\tINFO\tdone at 10:04:31, next 2026-11-30T10:05:00.000+01:00")]
    [InlineData("link/ether 00:1a:2b:3c:4d:5e brd ff:ff:ff:ff:ff:ff")]
    [InlineData("role arn:aws:iam::123456789012:role/service-role/checkout-api-role assumed by arn:aws:sts::123456789012:assumed-role/dev/bob")]
    [InlineData("object arn:aws:s3:::my-bucket/logs/2026/11/30/file.gz")]
    [InlineData("at std::vector<int>::at, Foo::Bar::baz, crate::ab::cd")]
    [InlineData("ssh fingerprint MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48")]
    [InlineData("X-Amzn-Trace-Id: Root=1-5f84c7a3-3b1a2c4d5e6f7a8b9c0d1e2f;Parent=53995c3f42cd8ad8;Sampled=1")]
    [InlineData("image sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31")]
    public void What_is_not_an_address_is_left_alone(string line)
    {
        Assert.Equal(line, Rules("ipv6", line));
    }
}
