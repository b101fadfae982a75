using LokiShipper.Configuration;
using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Loki.Encoders;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Configuration;

public class ShipperOptionsParserTests
{
    [Fact]
    public void Unset_variables_give_the_documented_defaults()
    {
        var options = TestOptions.From();

        Assert.Null(options.WriteAddress);
        Assert.True(options.IsDryRun);
        Assert.Equal(1_048_576, options.BatchSize);
        Assert.Equal(262_144, options.MaxLineSize);
        Assert.Equal(64L * 1024 * 1024, options.MaxDecompressedBytes);
        Assert.Equal(LabelScheme.Readable, options.LabelScheme);
        Assert.Equal(PushFormat.Protobuf, options.PushFormat);
        Assert.False(options.KeepStream);
        Assert.False(options.SkipTlsVerify);
        Assert.Equal(4, options.PushConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(10), options.AttemptTimeout);
        Assert.Same(LokiCredentials.None, options.Credentials);
    }

    [Theory]
    [InlineData("http://loki:3100", "http://loki:3100/loki/api/v1/push")]
    [InlineData("https://loki.example.com/", "https://loki.example.com/loki/api/v1/push")]
    [InlineData("https://gw.example.com/tenant-a/loki/api/v1/push", "https://gw.example.com/tenant-a/loki/api/v1/push")]
    public void A_bare_base_url_gets_the_push_path(string raw, string expected)
    {
        var options = TestOptions.From(("WRITE_ADDRESS", raw));

        Assert.Equal(expected, options.WriteAddress!.ToString());
    }

    [Fact]
    public void Credentials_in_the_url_become_basic_auth_and_leave_the_url()
    {
        var options = TestOptions.From(("WRITE_ADDRESS", "https://alice:s3cr%40t@loki.example.com"));

        Assert.Equal("https://loki.example.com/loki/api/v1/push", options.WriteAddress!.ToString());
        Assert.Equal("alice", options.Credentials.Username);
        Assert.Equal("s3cr@t", options.Credentials.Password);
    }

    [Theory]
    [InlineData("loki:3100")]
    [InlineData("ftp://loki.example.com")]
    [InlineData("not a url")]
    public void An_invalid_write_address_names_the_variable_without_echoing_it(string raw)
    {
        var ex = Assert.Throws<ConfigurationException>(() => TestOptions.From(("WRITE_ADDRESS", raw)));

        Assert.Contains("WRITE_ADDRESS must be an absolute http:// or https:// URL", ex.Message);
        Assert.DoesNotContain(raw, ex.Message);
    }

    [Fact]
    public void Username_without_password_is_refused()
    {
        var ex = Assert.Throws<ConfigurationException>(() => TestOptions.From(("USERNAME", "alice")));

        Assert.Contains("USERNAME and PASSWORD must be set together", ex.Message);
        Assert.DoesNotContain("alice", ex.Message);
    }

    [Fact]
    public void Bearer_token_and_basic_auth_together_are_refused_without_showing_either()
    {
        var ex = Assert.Throws<ConfigurationException>(() =>
            TestOptions.From(("USERNAME", "alice"), ("PASSWORD", "hunter2"), ("BEARER_TOKEN", "tok-123")));

        Assert.Contains("BEARER_TOKEN cannot be combined with USERNAME/PASSWORD", ex.Message);
        Assert.DoesNotContain("hunter2", ex.Message);
        Assert.DoesNotContain("tok-123", ex.Message);
    }

    [Fact]
    public void Credentials_print_redacted()
    {
        var basic = TestOptions.From(("USERNAME", "alice"), ("PASSWORD", "hunter2")).Credentials;
        var bearer = TestOptions.From(("BEARER_TOKEN", "tok-123")).Credentials;

        Assert.Equal("basic auth (redacted)", basic.ToString());
        Assert.Equal("bearer token (redacted)", bearer.ToString());
        Assert.Equal("Basic YWxpY2U6aHVudGVyMg==", basic.ToAuthorizationHeader()!.ToString());
        Assert.Equal("Bearer tok-123", bearer.ToAuthorizationHeader()!.ToString());
        Assert.DoesNotContain("hunter2", TestOptions.From(("USERNAME", "alice"), ("PASSWORD", "hunter2")).ToString());
    }

    [Theory]
    [InlineData("KEEP_STREAM", "yes", "KEEP_STREAM must be 'true' or 'false'")]
    [InlineData("SKIP_TLS_VERIFY", "1", "SKIP_TLS_VERIFY must be 'true' or 'false'")]
    [InlineData("BATCH_SIZE", "1MB", "BATCH_SIZE must be a whole number from 1 to 104857600")]
    [InlineData("BATCH_SIZE", "0", "BATCH_SIZE must be a whole number from 1 to 104857600")]
    [InlineData("MAX_LINE_SIZE", "-1", "MAX_LINE_SIZE must be a whole number from 0 to")]
    [InlineData("MAX_LINE_SIZE", "100", "MAX_LINE_SIZE must be 0 (no limit) or at least 128 bytes")]
    [InlineData("LABEL_SCHEME", "promtail", "LABEL_SCHEME must be 'readable' or 'lambda-promtail'")]
    [InlineData("LOKI_PUSH_FORMAT", "msgpack", "LOKI_PUSH_FORMAT must be 'protobuf' or 'json'")]
    [InlineData("LOG_LEVEL", "verbose", "LOG_LEVEL must be one of debug, info, warn, error")]
    [InlineData("PUSH_CONCURRENCY", "100", "PUSH_CONCURRENCY must be a whole number from 1 to 64")]
    [InlineData("MAX_DECOMPRESSED_BYTES", "10", "MAX_DECOMPRESSED_BYTES must be a whole number from 1024 to")]
    [InlineData("TENANT_ID", "a\nb", "TENANT_ID must be a single line")]
    public void A_bad_value_names_the_variable_and_the_accepted_form(string name, string value, string expected)
    {
        var ex = Assert.Throws<ConfigurationException>(() => TestOptions.From((name, value)));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void All_problems_are_reported_at_once()
    {
        var ex = Assert.Throws<ConfigurationException>(() =>
            TestOptions.From(("KEEP_STREAM", "maybe"), ("BATCH_SIZE", "big"), ("DROP_LABELS", "ok,1bad")));

        Assert.Equal(3, ex.Problems.Count);
        Assert.Contains(ex.Problems, p => p.StartsWith("KEEP_STREAM", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("BATCH_SIZE", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p == "DROP_LABELS has an invalid label name '1bad': names must match [a-zA-Z_][a-zA-Z0-9_]*");
    }

    [Fact]
    public void Extra_labels_are_pairs_with_no_prefix_in_the_readable_scheme()
    {
        var options = TestOptions.From(("EXTRA_LABELS", "env,prod,team,payments"));

        Assert.Equal([new("env", "prod"), new("team", "payments")], options.ExtraLabels);
    }

    [Fact]
    public void Extra_labels_get_the_extra_prefix_in_the_lambda_promtail_scheme()
    {
        var options = TestOptions.From(("LABEL_SCHEME", "lambda-promtail"), ("EXTRA_LABELS", "env,prod"));

        Assert.Equal([new("__extra_env", "prod")], options.ExtraLabels);
    }

    [Fact]
    public void Omit_extra_labels_prefix_removes_the_prefix()
    {
        var options = TestOptions.From(("LABEL_SCHEME", "lambda-promtail"), ("EXTRA_LABELS", "env,prod"), ("OMIT_EXTRA_LABELS_PREFIX", "true"));

        Assert.Equal([new("env", "prod")], options.ExtraLabels);
    }

    [Fact]
    public void An_odd_number_of_extra_label_items_is_refused()
    {
        var ex = Assert.Throws<ConfigurationException>(() => TestOptions.From(("EXTRA_LABELS", "env,prod,team")));

        Assert.Contains("EXTRA_LABELS must be a comma-separated list of name,value pairs", ex.Message);
    }

    [Fact]
    public void An_invalid_extra_label_name_is_named()
    {
        var ex = Assert.Throws<ConfigurationException>(() => TestOptions.From(("EXTRA_LABELS", "my-env,prod")));

        Assert.Contains("EXTRA_LABELS has an invalid label name 'my-env'", ex.Message);
    }

    [Fact]
    public void Platform_variables_are_read()
    {
        var options = TestOptions.From(("AWS_REGION", "eu-west-1"), ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/LokiShipper"));

        Assert.Equal("eu-west-1", options.AwsRegion);
        Assert.Equal("/aws/lambda/LokiShipper", options.OwnLogGroup);
    }

    [Fact]
    public void Lambda_promtail_relabel_rules_stop_the_cold_start_because_ignoring_them_would_change_the_labels()
    {
        var ex = Assert.Throws<ConfigurationException>(() =>
            TestOptions.From(("RELABEL_CONFIGS", """[{"source_labels":["__aws_log_type"],"target_label":"type"}]""")));

        Assert.Equal(
            "RELABEL_CONFIGS (lambda-promtail's relabel rules) is not supported: express the labels with LABEL_SCHEME, EXTRA_LABELS and DROP_LABELS, then unset it",
            Assert.Single(ex.Problems));
    }

    [Fact]
    public void Lambda_promtail_settings_that_change_nothing_stored_are_accepted_and_listed_as_ignored()
    {
        var options = TestOptions.From(("PRINT_LOG_LINE", "false"), ("PIPELINE_TIMEOUT", "5s"), ("KEEP_STREAM", "true"));

        Assert.Equal(["PRINT_LOG_LINE", "PIPELINE_TIMEOUT"], options.IgnoredVariables);
        Assert.Empty(TestOptions.From(("KEEP_STREAM", "true")).IgnoredVariables);
    }

    [Theory]
    [InlineData(null, null, 3_000_000L, 15_000_000L)]
    [InlineData("5MB,20MB", "8MiB,12MiB", 5_000_000L, 20_000_000L)]
    [InlineData("0", "0", 0L, 0L)]
    public void Rate_limits_read_as_loki_writes_sizes_or_0_for_none(string? stream, string? ingestion, long streamRate, long streamBurst)
    {
        var options = ShipperOptionsParser.Parse(name => name switch { "STREAM_RATE_LIMIT" => stream, "INGESTION_RATE_LIMIT" => ingestion, _ => null });

        Assert.Equal(new LokiShipper.Pipeline.RateLimit(streamRate, streamBurst), options.StreamRateLimit);
        Assert.Equal(
            ingestion switch { null => new LokiShipper.Pipeline.RateLimit(4 << 20, 6 << 20), "0" => LokiShipper.Pipeline.RateLimit.Off, _ => new LokiShipper.Pipeline.RateLimit(8 << 20, 12 << 20) },
            options.IngestionRateLimit);
    }

    [Theory]
    [InlineData("3MB")]
    [InlineData("15MB,3MB")]
    [InlineData("3 parsecs,15MB")]
    public void A_rate_limit_that_is_not_a_rate_and_a_larger_burst_names_the_variable_and_the_form(string value)
    {
        var ex = Assert.Throws<ConfigurationException>(() => ShipperOptionsParser.Parse(name => name == "STREAM_RATE_LIMIT" ? value : null));

        Assert.Equal("STREAM_RATE_LIMIT must be a rate per second and a burst of at least that rate, e.g. 3MB,15MB (B, KB, MB, GB, KiB, MiB, GiB), or 0 for no limit", Assert.Single(ex.Problems));
    }
}
