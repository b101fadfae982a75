using System.Runtime.InteropServices;
using System.Text;
using LokiShipper.Processing.Redaction;
using static LokiShipper.Tests.Processing.Redaction.RedactionHarness;

namespace LokiShipper.Tests.Processing.Redaction;

public class RedactorTests
{
    /// <summary>Every rule, a user pattern and masked keys: nothing of it may touch the lines below.</summary>
    private static readonly Redactor Everything = Create("all", @"customer_id=\d+=>customer_id=***", "password,secret,token,authorization,api_key");

    public static TheoryData<string> LinesNoRuleTouches => new()
    {
        "START RequestId: 1e1b7551-0001-4c2a-9b3d-6f5e4d3c2b1a Version: $LATEST",
        "END RequestId: 1e1b7551-0001-4c2a-9b3d-6f5e4d3c2b1a",
        "REPORT RequestId: 1e1b7551-0001-4c2a-9b3d-6f5e4d3c2b1a\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 71 MB\tInit Duration: 245.12 ms\t\nXRAY TraceId: 1-5f84c7a3-3b1a2c4d5e6f7a8b9c0d1e2f\tSegmentId: 0a1b2c3d4e5f6a7b\tSampled: true\t",
        "2026-11-30T10:04:31.123Z\t1e1b7551-0001-4c2a-9b3d-6f5e4d3c2b1a\tINFO\tprocessed order 1000 for customer c-37 in 12 ms",
        "2026-11-30T10:04:31.123456+01:00 [INFO] lokishipper 1.2.3 (v2.14.0, dotnet 10.0.100, TLSv1.3) started at 1764497071123",
        "function arn:aws:lambda:eu-west-1:123456789012:function:checkout-api:$LATEST role arn:aws:iam::123456789012:role/service-role/checkout-api-role",
        "object arn:aws:s3:::my-bucket/logs/AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2026/11/30/file.log.gz",
        "X-Amzn-Trace-Id: Root=1-5f84c7a3-3b1a2c4d5e6f7a8b9c0d1e2f;Parent=53995c3f42cd8ad8;Sampled=1",
        "commit 8939dd9c02717ff509d4dfba9cad207f37884900 image sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
        "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829",
        """{"eventTime":"2026-11-30T10:04:31Z","eventName":"AssumeRole","userIdentity":{"principalId":"AROAY34FZKBOKMUTVV7AB:bob","arn":"arn:aws:sts::123456789012:assumed-role/dev/bob","accountId":"123456789012"},"requestID":"c5e1f3a2-7b6d-4e8f-9a0b-1c2d3e4f5a6b","tokenCount":3}""",
        """{"level":"info","msg":"password reset requested","duration_ms":12.5,"tags":["token","secret"]}""",
        "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
        "",
    };

    [Theory]
    [MemberData(nameof(LinesNoRuleTouches))]
    public void A_line_nothing_matches_is_returned_as_the_same_memory(string text)
    {
        var array = Encoding.UTF8.GetBytes("<<" + text + ">>");
        var line = new ReadOnlyMemory<byte>(array, 2, array.Length - 4);

        var result = Everything.Redact(line, out var changed);

        Assert.False(changed);
        Assert.True(MemoryMarshal.TryGetArray(result, out var segment));
        Assert.Same(array, segment.Array);
        Assert.Equal(2, segment.Offset);
        Assert.Equal(array.Length - 4, segment.Count);
    }

    [Fact]
    public void A_line_nothing_matches_costs_no_allocation()
    {
        ReadOnlyMemory<byte> line = Encoding.UTF8.GetBytes("""{"level":"info","msg":"2026-11-30T10:04:31.123Z processed order 1000 for customer c-37 in 12 ms","requestId":"1e1b7551-0001-4c2a-9b3d-6f5e4d3c2b1a"}""");
        for (var i = 0; i < 100; i++)
        {
            Everything.Redact(line, out _); // pools filled, code compiled
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Everything.Redact(line, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Every_rule_in_one_line()
    {
        const string Line = "2026-11-30T10:04:31.123Z\t1e1b7551-0001-4c2a-9b3d-6f5e4d3c2b1a\tERROR\tlogin bob@example.com from 203.0.113.7/2001:db8::7 "
            + "key AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY Authorization: Bearer 2YotnFZFEjr1zCsicMWpAA "
            + "db=postgres://app:s3cr3t@db.internal/orders id_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. card 4111 1111 1111 1111 customer_id=4711";

        Assert.Equal(
            "2026-11-30T10:04:31.123Z\t1e1b7551-0001-4c2a-9b3d-6f5e4d3c2b1a\tERROR\tlogin [REDACTED:email] from [REDACTED:ipv4]/[REDACTED:ipv6] "
            + "key [REDACTED:aws_access_key] aws_secret_access_key=[REDACTED:aws_secret_key] Authorization: Bearer [REDACTED:bearer] "
            + "db=postgres://app:[REDACTED:basic_auth]@db.internal/orders id_token=[REDACTED:jwt] card [REDACTED:credit_card] customer_id=***",
            Apply(Everything, Line));
    }

    [Fact]
    public void Masking_then_rules_then_patterns()
    {
        const string Line = """{"token":"2YotnFZFEjr1zCsicMWpAA","msg":"customer_id=4711 wrote from carol@example.net"}""";

        Assert.Equal("""{"token":"[REDACTED]","msg":"customer_id=*** wrote from [REDACTED:email]"}""", Apply(Everything, Line));
    }

    [Fact]
    public void A_JSON_line_stays_JSON_whatever_is_replaced_in_it()
    {
        string[] values =
        [
            "bob@example.com", "10.0.0.1", "2001:db8::1", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "Bearer 2YotnFZFEjr1zCsicMWpAA", "Basic dXNlcjpwYXNzd29yZA==", "https://u:p@w\"d@host/x", "4111 1111 1111 1111",
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "line\nnext 10.0.0.2\ttab", "café \"q\" 🚀", "", "secret: x", "aws_secret_access_key=",
        ];
        string[] names = ["msg", "password", "Token", "aws_secret_access_key", "ip", "card", "nested", "list"];
        var random = new Random(15);
        for (var n = 0; n < 2000; n++)
        {
            using var buffer = new MemoryStream();
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new() { Encoder = n % 2 == 0 ? System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping : null }))
            {
                WriteObject(writer, random, names, values, depth: 0);
            }

            var line = Encoding.UTF8.GetString(buffer.ToArray());
            var redacted = Apply(Everything, line);

            using var parsed = System.Text.Json.JsonDocument.Parse(redacted); // throws if the line is no longer JSON
        }
    }

    private static void WriteObject(System.Text.Json.Utf8JsonWriter writer, Random random, string[] names, string[] values, int depth)
    {
        writer.WriteStartObject();
        for (var i = random.Next(1, 6); i > 0; i--)
        {
            writer.WritePropertyName(names[random.Next(names.Length)] + (random.Next(4) == 0 ? values[random.Next(values.Length)] : string.Empty));
            switch (random.Next(depth < 3 ? 6 : 4))
            {
                case 0:
                    writer.WriteNumberValue(random.Next(2) == 0 ? 4111111111111111 : 1764497071123);
                    break;
                case 1:
                    writer.WriteNullValue();
                    break;
                case 2:
                case 3:
                    writer.WriteStringValue(string.Join(" ", Enumerable.Range(0, random.Next(1, 4)).Select(_ => values[random.Next(values.Length)])));
                    break;
                case 4:
                    WriteObject(writer, random, names, values, depth + 1);
                    break;
                default:
                    writer.WriteStartArray();
                    writer.WriteStringValue(values[random.Next(values.Length)]);
                    writer.WriteNumberValue(5555555555554444);
                    WriteObject(writer, random, names, values, depth + 1);
                    writer.WriteEndArray();
                    break;
            }
        }

        writer.WriteEndObject();
    }

    [Fact]
    public void Random_bytes_never_make_it_fail()
    {
        var alphabet = Encoding.UTF8.GetBytes("@.:/-_=\\\"{}[], \t0123456789abcdefABCDEFeyJAKIAsecretBearerbasicé");
        var random = new Random(15);
        for (var n = 0; n < 20000; n++)
        {
            var line = new byte[random.Next(0, 200)];
            for (var i = 0; i < line.Length; i++)
            {
                line[i] = random.Next(10) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }

            Everything.Redact(line, out _);
        }
    }

    [Fact]
    public void One_redactor_serves_many_threads_at_once()
    {
        var lines = Enumerable.Range(0, 2000).Select(i => $"req {i} from 10.0.{i % 256}.{(i / 256) + 1} user u{i}@example.com ok").ToArray();
        var expected = lines.Select(line => Apply(Everything, line)).ToArray();
        var actual = new string[lines.Length];

        Parallel.For(0, lines.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => actual[i] = Apply(Everything, lines[i]));

        Assert.Equal(expected, actual);
        Assert.Equal("req 7 from [REDACTED:ipv4] user [REDACTED:email] ok", actual[7]);
    }

    [Fact]
    public void Options_the_parser_would_refuse_are_refused_when_a_redactor_is_made()
    {
        Assert.Throws<ArgumentException>(() => Redactor.Create(new RedactionOptions(["emails"], [], [])));
        Assert.Throws<ArgumentException>(() => Redactor.Create(new RedactionOptions([], [("(", "x")], [])));
        Assert.Throws<ArgumentException>(() => Redactor.Create(new RedactionOptions([], [], ["a*b"])));
    }
}
