using System.Text.Json;

namespace LokiShipper.Tests.Local;

/// <summary>
/// The checker the dashboard tests rely on, shown to find what it is for: the LogQL reader on good and broken queries,
/// Grafana's variable replacement, and each kind of problem in a query or a dashboard.
/// </summary>
public sealed class DashboardCheckerTests
{
    private static readonly IReadOnlyDictionary<string, DashboardVariable> Variables = new Dictionary<string, DashboardVariable>(StringComparer.Ordinal)
    {
        ["service"] = new("service", "query", MultiValue: true, AllValue: ".+"),
        ["aws_service"] = new("aws_service", "query", MultiValue: true, AllValue: ".+"),
        ["request_id"] = new("request_id", "textbox", MultiValue: false, AllValue: null),
    };

    [Fact]
    public void A_metric_query_reads_into_its_selector_filters_grouping_and_range()
    {
        var query = LogQlQuery.Parse("""sum by (level) (count_over_time({service_name=~"$service", aws_service="lambda"} |= "paid" | level=~`error|fatal` [$__auto]))""");

        Assert.Equal([new LogQlMatcher("service_name", "=~", "$service", '"'), new LogQlMatcher("aws_service", "=", "lambda", '"')], query.StreamMatchers);
        Assert.Equal([new LogQlMatcher("level", "=~", "error|fatal", '`')], query.LabelFilters);
        Assert.Equal(["|= \"paid\""], query.LineFilters);
        Assert.Equal(["level"], query.Grouping);
        Assert.Equal(["$__auto"], query.Ranges);
        Assert.True(query.IsMetric);
    }

    [Fact]
    public void A_log_query_with_grouping_after_the_aggregation_and_every_operator_reads_too()
    {
        var log = LogQlQuery.Parse("""{log_group!="a", aws_region!~"eu-.*"} != "x" |~ "y" !~ "z" | request_id="r" | level!="debug" """);
        var metric = LogQlQuery.Parse("""sum(rate({service_name="a"}[5m])) by (service_name, aws_service)""");

        Assert.False(log.IsMetric);
        Assert.Equal(["log_group!=\"a\"", "aws_region!~\"eu-.*\""], log.StreamMatchers.Select(m => m.ToString()));
        Assert.Equal(["!= \"x\"", "|~ \"y\"", "!~ \"z\""], log.LineFilters);
        Assert.Equal(["request_id=\"r\"", "level!=\"debug\""], log.LabelFilters.Select(m => m.ToString()));
        Assert.Equal(["service_name", "aws_service"], metric.Grouping);
        Assert.Equal(["5m"], metric.Ranges);
    }

    [Fact]
    public void Double_quoted_strings_are_read_as_go_reads_them_and_raw_strings_as_they_are()
    {
        var query = LogQlQuery.Parse("""{service_name=~"a\\.b\"c\u00e9\x41\101\t", log_group=`a\.b`}""");

        Assert.Equal("a\\.b\"cé" + "AA\t", query.StreamMatchers[0].Value);
        Assert.Equal("a\\.b", query.StreamMatchers[1].Value);
    }

    [Theory]
    [InlineData("""{service_name="x" """, "expected } or ,")]
    [InlineData("""{}""", "an empty stream selector")]
    [InlineData("""{service_name=~"a\-b"}""", "invalid escape \\-")]
    [InlineData("""{service_name="x}""", "without its closing \"")]
    [InlineData("""{service_name=="x"}""", "unsupported operator")]
    [InlineData("""{service_name="x"} | json""", "unsupported pipeline stage")]
    [InlineData("""{service_name="x"} | line_format "{{.msg}}" """, "unsupported pipeline stage")]
    [InlineData("""sum({service_name="x"})""", "a metric expression inside sum")]
    [InlineData("""topk(3, count_over_time({service_name="x"}[1m]))""", "unexpected '3' at 5")]
    [InlineData("""max_over_time({service_name="x"}[1m])""", "unsupported function or keyword 'max_over_time'")]
    [InlineData("""count_over_time({service_name="x"}[5 minutes])""", "is not a LogQL duration")]
    [InlineData("""count_over_time({service_name="x"})""", "expected a range [5m]")]
    [InlineData("""{service_name="x"} or {aws_service="y"}""", "expected the end of the query")]
    public void Queries_outside_what_the_reader_knows_are_refused_saying_where(string query, string message)
    {
        var refused = Assert.Throws<FormatException>(() => LogQlQuery.Parse(query));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{service_name=~"$service", team="payments"}""", "the selector uses team, which is not a stream label")]
    [InlineData("""{level="error"}""", "level is structured metadata, not a stream label")]
    [InlineData("""{service_name=~"$service"} | levle="error" """, "levle, which is not structured metadata")]
    [InlineData("""{service_name=~"$service"} | detected_level="error" """, "detected_level, which is not structured metadata")]
    [InlineData("""{service_name=~"$service"} | aws_service="lambda" """, "aws_service is a stream label")]
    [InlineData("""{service_name=~"$servce"}""", "$servce is not a variable of the dashboard")]
    [InlineData("""{service_name=~"$service"} | request_id=~"${requestid}.*" """, "$requestid is not a variable of the dashboard")]
    [InlineData("""{service_name="$service"}""", "holds the multi-value variable $service")]
    [InlineData("""{service_name=~`$service`}""", "holds the multi-value variable $service")]
    [InlineData("""sum by (team) (count_over_time({service_name=~"$service"} [$__auto]))""", "grouped by team")]
    [InlineData("""{service_name=~".*"}""", "every matcher of the selector matches an empty value")]
    [InlineData("""{service_name=~"${request_id}.*"}""", "every matcher of the selector matches an empty value")]
    [InlineData("""{service_name=~"$service"} | request_id=~"(${request_id}" """, "is not a regular expression")]
    [InlineData("""{service_name=~"$service"} | json""", "unsupported pipeline stage")]
    public void The_checker_finds_what_the_shipper_does_not_send_and_what_loki_would_refuse(string query, string problem)
    {
        var problems = DashboardChecker.CheckQuery(query, Variables);

        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""sum by (service_name) (count_over_time({service_name=~"$service", aws_service=~"$aws_service"} [$__auto]))""")]
    [InlineData("""sum by (level) (count_over_time({service_name=~"$service"} | level=~"error|fatal" [$__range]))""")]
    [InlineData("""{service_name=~"$service"} | request_id=~"${request_id}.*" """)]
    [InlineData("""{service_name=~"$service"} | s3_bucket="b" | s3_key=~"AWSLogs/.+" | log_stream!="" """)]
    [InlineData("""{log_type="alb", service_name=~"${service:regex}"} | ecs_cluster="c" | container_name="app" """)]
    public void Queries_on_the_shipper_labels_and_metadata_with_defined_variables_pass(string query)
    {
        Assert.Empty(DashboardChecker.CheckQuery(query, Variables));
    }

    [Fact]
    public void Variables_are_replaced_as_grafanas_loki_data_source_replaces_them()
    {
        var values = new Dictionary<string, string>
        {
            ["service"] = GrafanaTemplate.MultiValue("orders.api", "checkout-api"),
            ["request_id"] = GrafanaTemplate.SingleValue("it's"),
        };

        var expr = GrafanaTemplate.Interpolate("""{service_name=~"$service"} | request_id=~"${request_id}.*" [$__auto] [[service]]""", values);
        var query = LogQlQuery.Parse(GrafanaTemplate.Interpolate("""{service_name=~"$service"}""", values));

        Assert.Equal(["service", "request_id", "__auto", "service"], GrafanaTemplate.VariablesIn("""$service ${request_id} [$__auto] [[service]]"""));
        Assert.Equal("""{service_name=~"orders\\.api|checkout-api"} | request_id=~"it\\'s.*" [1m] orders\\.api|checkout-api""", expr);
        Assert.Equal("orders\\.api|checkout-api", query.StreamMatchers[0].Value);
        Assert.Matches($"^(?:{query.StreamMatchers[0].Value})$", "orders.api");
        Assert.DoesNotMatch($"^(?:{query.StreamMatchers[0].Value})$", "ordersXapi");
        Assert.Throws<KeyNotFoundException>(() => GrafanaTemplate.Interpolate("$unknown", values));
    }

    [Fact]
    public void A_dashboard_is_checked_panel_by_panel_and_variable_by_variable()
    {
        using var dashboard = JsonDocument.Parse("""
            {"templating":{"list":[
              {"name":"service","type":"query","datasource":{"type":"loki","uid":"other"},
               "query":{"type":1,"label":"team","stream":"{aws_service=~\"$aws\"}"},"multi":true,"includeAll":true,"allValue":".+"},
              {"name":"service","type":"textbox"}]},
             "panels":[
              {"title":"good","type":"timeseries","datasource":{"type":"loki","uid":"loki-uid"},
               "targets":[{"refId":"A","datasource":{"type":"loki","uid":"loki-uid"},"expr":"sum(count_over_time({service_name=~\"$service\"}[1m]))"}]},
              {"title":"no datasource","type":"logs","targets":[{"refId":"A","expr":"{service_name=\"x\"}"}]},
              {"title":"a row","type":"row","panels":[
                {"title":"nested","type":"logs","datasource":{"type":"loki","uid":"loki-uid"},
                 "targets":[{"refId":"B","datasource":{"type":"prometheus","uid":"loki-uid"},"expr":"{team=\"x\"}"}]}]},
              {"title":"empty","type":"stat","datasource":{"type":"loki","uid":"loki-uid"},"targets":[]}]}
            """);

        var problems = DashboardChecker.Check(dashboard.RootElement, "loki-uid");

        string[] expected =
        [
            "variable $service is defined 2 times",
            "variable $service: datasource {\"type\":\"loki\",\"uid\":\"other\"}, not the provisioned Loki",
            "variable $service: lists the values of team, which is not a stream label the shipper sets",
            "variable $service: $aws is not a variable of the dashboard",
            "panel 'no datasource': no datasource",
            "panel 'no datasource', query A: no datasource",
            "panel 'nested', query B: datasource {\"type\":\"prometheus\",\"uid\":\"loki-uid\"}, not the provisioned Loki",
            "panel 'nested', query B: the selector uses team, which is not a stream label",
            "panel 'empty' has no queries",
        ];
        Assert.All(expected, e => Assert.Contains(problems, p => p.StartsWith(e, StringComparison.Ordinal)));
        Assert.Equal(expected.Length, problems.Count);
    }
}
