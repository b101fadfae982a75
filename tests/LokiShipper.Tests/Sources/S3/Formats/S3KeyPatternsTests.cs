using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

public class S3KeyPatternsTests
{
    public static TheoryData<string, string, string, string, string, string?, string?> RealKeys => new()
    {
        // grafana/lambda-promtail pkg/s3_test.go
        {
            "my-bucket/AWSLogs/123456789012/elasticloadbalancing/us-east-1/2022/01/24/123456789012_elasticloadbalancing_us-east-1_app.my-loadbalancer.b13ea9d19f16d015_20220124T0000Z_0.0.0.0_2et2e1mx.log.gz",
            "Alb", "s3_lb", "elasticloadbalancing", "my-loadbalancer", "123456789012", "us-east-1"
        },
        {
            "my-bucket/AWSLogs/123456789012/elasticloadbalancing/us-east-2/2022/05/01/health_check_log_123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20220215T2340Z_172.160.001.192_20sg8hgm.log.gz",
            "Alb", "s3_lb", "elasticloadbalancing", "my-loadbalancer", "123456789012", "us-east-2"
        },
        {
            "my-bucket/prefix/AWSLogs/123456789012/elasticloadbalancing/us-east-2/2016/05/01/123456789012_elasticloadbalancing_us-east-2_net.my-loadbalancer.1234567890abcdef_201605010000Z_2soosksi.log.gz",
            "Nlb", "s3_lb", "elasticloadbalancing", "my-loadbalancer", "123456789012", "us-east-2"
        },

        // AWS: Elastic Load Balancing, "Access logs for your Classic Load Balancer", access log file example
        {
            "my-app/AWSLogs/123456789012/elasticloadbalancing/us-west-2/2014/02/15/123456789012_elasticloadbalancing_us-west-2_my-loadbalancer_20140215T2340Z_172.160.001.192_20sg8hgm.log",
            "ClassicElb", "s3_lb", "elasticloadbalancing", "my-loadbalancer", "123456789012", "us-west-2"
        },
        {
            "my-bucket/AWSLogs/123456789012/vpcflowlogs/us-east-1/2022/01/24/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
            "VpcFlow", "s3_vpc_flow", "vpc_flow", "fl-1234abcd", "123456789012", "us-east-1"
        },
        {
            "my-bucket/AWSLogs/123456789012/vpcflowlogs/us-gov-east-1/2022/01/24/123456789012_vpcflowlogs_us-gov-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
            "VpcFlow", "s3_vpc_flow", "vpc_flow", "fl-1234abcd", "123456789012", "us-gov-east-1"
        },

        // AWS: CloudTrail User Guide, "CloudTrail log file name format"
        {
            "AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz",
            "CloudTrail", "s3_cloudtrail", "cloudtrail", "111122223333", "111122223333", "us-east-2"
        },
        {
            "my-bucket/AWSLogs/o-test123456/123456789012/CloudTrail/us-east-1/2022/01/24/123456789012_CloudTrail_us-east-1_20220124T0000Z_4jhzXFO2Jlvu2b3y.json.gz",
            "CloudTrail", "s3_cloudtrail", "cloudtrail", "123456789012", "123456789012", "us-east-1"
        },
        {
            "my-bucket/AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2022/01/24/123456789012_CloudTrail-Digest_us-east-1_20220124T0000Z_4jhzXFO2Jlvu2b3y.json.gz",
            "CloudTrailDigest", "s3_cloudtrail", "cloudtrail", "123456789012", "123456789012", "us-east-1"
        },
        {
            "my/bucket/prefix/E2K2LNL5N3WR51.2022-07-18-12.a10a8496.gz",
            "CloudFront", "s3_cloudfront", "cloudfront", "E2K2LNL5N3WR51", null, null
        },

        // AWS: CloudFront Developer Guide, standard log file naming
        {
            "example-prefix/EMLARXS9EXAMPLE.2019-11-14-20.RT4KCN4SGK9.gz",
            "CloudFront", "s3_cloudfront", "cloudfront", "EMLARXS9EXAMPLE", null, null
        },
        {
            "prefix/AWSLogs/11111111111/WAFLogs/us-east-1/TEST-WEBACL/2021/10/28/19/50/11111111111_waflogs_us-east-1_TEST-WEBACL_20211028T1950Z_e0ca43b5.log.gz",
            "Waf", "s3_waf", "waf", "TEST-WEBACL", "11111111111", "us-east-1"
        },
        {
            "my prefix/AWSLogs/11111111111/WAFLogs/us-gov-east-1/TEST-WEBACL/2021/10/28/19/50/11111111111_waflogs_us-gov-east-1_TEST-WEBACL_20211028T1950Z_e0ca43b5.log.gz",
            "Waf", "s3_waf", "waf", "TEST-WEBACL", "11111111111", "us-gov-east-1"
        },
        {
            "AWSLogs/123456789012/GuardDuty/us-east-1/2024/05/30/07a3f2ce-1485-3031-b842-e1f324c4a48d.jsonl.gz",
            "GuardDuty", "s3_guardduty", "guardduty", "123456789012", "123456789012", "us-east-1"
        },
        {
            "123456789012/us-east-1/amzn-s3-demo-source-bucket/2023/03/01/2023-03-01-21-32-16-E568B2907131C0C0",
            "S3Access", "s3_access", "s3", "amzn-s3-demo-source-bucket", "123456789012", "us-east-1"
        },
        {
            "prefix/AWSLogs/111111111111/KafkaBrokerLogs/eu-south-2/msk-test-name-7f6b9b77-24f9-4921-87b6-d29a6401e292-3/2025-07-04-11/Broker-1_11-55_cab960bb.log.gz",
            "Msk", "s3_msk", "kafka", "msk-test-name", "111111111111", "eu-south-2"
        },
        {
            "my-bucket/logs/msk-/AWSLogs/123456789012/KafkaBrokerLogs/eu-south-2/msk-cluster-644d6cf5-99f1-1118-a846-e6475a4d-3/2025-07-01-10/Broker-1_10-15_c58203e6.log.gz",
            "Msk", "s3_msk", "kafka", "msk-cluster", "123456789012", "eu-south-2"
        },
    };

    [Theory]
    [MemberData(nameof(RealKeys))]
    public void Keys_as_aws_writes_them_are_recognised_with_their_labels(
        string key, string format, string promtailType, string awsService, string sourceName, string? accountId, string? region)
    {
        Assert.Equal(
            new S3LogKind(Enum.Parse<S3LogFormat>(format), promtailType, awsService, sourceName, accountId, region),
            S3KeyPatterns.Recognise("log-bucket", key));
    }

    [Fact]
    public void S3_access_logs_without_date_partitioning_are_labelled_with_the_bucket_they_are_in()
    {
        Assert.Equal(
            new S3LogKind(S3LogFormat.S3Access, "s3_access", "s3", "access-log-bucket", null, null),
            S3KeyPatterns.Recognise("access-log-bucket", "logs/2023-03-01-21-32-16-E568B2907131C0C0"));
    }

    [Fact]
    public void An_alb_connection_log_is_an_alb_log()
    {
        Assert.Equal(
            new S3LogKind(S3LogFormat.Alb, "s3_lb", "elasticloadbalancing", "my-loadbalancer", "123456789012", "us-east-2"),
            S3KeyPatterns.Recognise(
                "log-bucket",
                "AWSLogs/123456789012/elasticloadbalancing/us-east-2/2023/10/04/conn_log.123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20231004T1210Z_172.160.001.192_20sg8hgm.log.gz"));
    }

    [Theory]
    [InlineData("some-object.json")]
    [InlineData("app/2024/03/14/service.log.gz")]
    [InlineData("AWSLogs/123456789012/elasticloadbalancing/us-east-1/2022/01/24/notes.txt")]
    [InlineData("e2k2lnl5n3wr51.2022-07-18-12.a10a8496.gz")]
    [InlineData("backup/2023-03-01-21-32-16-E568B2907131C0C0.tar.gz")]
    public void Other_keys_are_generic_and_labelled_with_the_bucket(string key)
    {
        Assert.Equal(new S3LogKind(S3LogFormat.Generic, "s3", "custom", "my-bucket", null, null), S3KeyPatterns.Recognise("my-bucket", key));
    }

    [Fact]
    public void A_pinned_prefix_decides_the_format_of_keys_under_it()
    {
        var pins = S3FormatPins.Parse("my-bucket/exports/=alb");
        Assert.Equal(
            new S3LogKind(S3LogFormat.Alb, "s3_lb", "elasticloadbalancing", "my-bucket", null, null),
            S3KeyPatterns.Recognise("my-bucket", "exports/2024/03/14/lb.log", pins));
    }

    [Fact]
    public void The_longest_pinned_prefix_wins()
    {
        var pins = S3FormatPins.Parse("my-bucket/=json,my-bucket/logs/flow/=vpc_flow,my-bucket/logs/=alb");
        Assert.Equal(S3LogFormat.VpcFlow, S3KeyPatterns.Recognise("my-bucket", "logs/flow/part-0001.log", pins).Format);
        Assert.Equal(S3LogFormat.Alb, S3KeyPatterns.Recognise("my-bucket", "logs/lb/part-0001.log", pins).Format);
        Assert.Equal(S3LogFormat.Generic, S3KeyPatterns.Recognise("my-bucket", "other/part-0001.log", pins).Format);
    }

    [Fact]
    public void A_pinned_prefix_is_matched_against_bucket_slash_key_not_the_key_alone()
    {
        var pins = S3FormatPins.Parse("logs/app/=alb");
        Assert.Equal(S3LogFormat.Alb, S3KeyPatterns.Recognise("logs", "app/lb.log", pins).Format);
        Assert.Equal(S3LogFormat.Generic, S3KeyPatterns.Recognise("my-bucket", "logs/app/lb.log", pins).Format);
    }

    [Fact]
    public void A_pin_overrides_what_the_key_says_and_still_reads_labels_the_key_holds_for_that_format()
    {
        const string albKey = "AWSLogs/123456789012/elasticloadbalancing/us-east-1/2022/01/24/123456789012_elasticloadbalancing_us-east-1_app.my-loadbalancer.b13ea9d19f16d015_20220124T0000Z_0.0.0.0_2et2e1mx.log.gz";

        Assert.Equal(
            new S3LogKind(S3LogFormat.Nlb, "s3_lb", "elasticloadbalancing", "my-loadbalancer", "123456789012", "us-east-1"),
            S3KeyPatterns.Recognise("my-bucket", albKey, S3FormatPins.Parse("my-bucket/AWSLogs/=nlb")));
        Assert.Equal(
            new S3LogKind(S3LogFormat.Generic, "s3", "custom", "my-bucket", null, null),
            S3KeyPatterns.Recognise("my-bucket", albKey, S3FormatPins.Parse("my-bucket/=text")));
    }

    [Fact]
    public void Keys_under_no_pinned_prefix_are_recognised_as_usual()
    {
        var kind = S3KeyPatterns.Recognise("log-bucket", "AWSLogs/123456789012/GuardDuty/us-east-1/2024/05/30/07a3f2ce-1485-3031-b842-e1f324c4a48d.jsonl.gz", S3FormatPins.Parse("other-bucket/=json"));
        Assert.Equal(S3LogFormat.GuardDuty, kind.Format);
    }
}
