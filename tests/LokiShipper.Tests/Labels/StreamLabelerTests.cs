using LokiShipper.Labels;
using LokiShipper.Sources.CloudWatch;
using LokiShipper.Sources.Kinesis;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Labels;

public class StreamLabelerTests
{
    private static readonly CloudWatchOrigin Source = new("/aws/lambda/checkout-api", "2026/11/22/[$LATEST]abc", "123456789012");

    private static StreamLabeler Labeler(params (string Name, string Value)[] variables) => new(TestOptions.From(variables).LabelsSlice());

    [Fact]
    public void Readable_scheme_labels()
    {
        var labeler = Labeler(("AWS_REGION", "eu-west-1"));

        var labels = labeler.Labels(Source);

        Assert.Equal(
            """{aws_account_id="123456789012", aws_region="eu-west-1", aws_service="lambda", log_group="/aws/lambda/checkout-api", service_name="checkout-api"}""",
            labels.Text);
        Assert.Equal([new("log_stream", "2026/11/22/[$LATEST]abc")], labeler.Metadata(Source));
    }

    [Fact]
    public void Readable_scheme_without_a_region_leaves_the_label_out()
    {
        var labels = Labeler().Labels(Source);

        Assert.Null(labels["aws_region"]);
        Assert.Equal(4, labels.Pairs.Count);
    }

    [Fact]
    public void Keep_stream_makes_the_log_stream_a_label()
    {
        var labeler = Labeler(("KEEP_STREAM", "true"));

        var labels = labeler.Labels(Source);

        Assert.Equal("2026/11/22/[$LATEST]abc", labels["log_stream"]);
        Assert.Empty(labeler.Metadata(Source));
    }

    [Fact]
    public void Lambda_promtail_scheme_is_byte_identical_to_lambda_promtail()
    {
        // lambda-promtail: fmt.Sprintf("%s=%q") per label, sort.Strings, joined with ", " inside braces.
        var labels = Labeler(("LABEL_SCHEME", "lambda-promtail"), ("AWS_REGION", "eu-west-1")).Labels(Source);

        Assert.Equal(
            """{__aws_cloudwatch_log_group="/aws/lambda/checkout-api", __aws_cloudwatch_owner="123456789012", __aws_log_type="cloudwatch"}""",
            labels.Text);
    }

    [Fact]
    public void Lambda_promtail_scheme_with_keep_stream_and_extra_labels()
    {
        var labels = Labeler(
            ("LABEL_SCHEME", "lambda-promtail"),
            ("KEEP_STREAM", "true"),
            ("EXTRA_LABELS", "env,prod,team,pay")).Labels(Source);

        Assert.Equal(
            """{__aws_cloudwatch_log_group="/aws/lambda/checkout-api", __aws_cloudwatch_log_stream="2026/11/22/[$LATEST]abc", __aws_cloudwatch_owner="123456789012", __aws_log_type="cloudwatch", __extra_env="prod", __extra_team="pay"}""",
            labels.Text);
    }

    [Fact]
    public void Pairs_sort_as_lambda_promtail_sorts_name_equals_value_strings()
    {
        // "a0=..." sorts before "a=..." because '0' < '='; sorting by name alone would put "a" first.
        var labels = LabelSet.From([new("a", "1"), new("a0", "2")]);

        Assert.Equal("""{a0="2", a="1"}""", labels.Text);
    }

    [Fact]
    public void Extra_labels_override_and_drop_labels_remove()
    {
        var labels = Labeler(
            ("EXTRA_LABELS", "service_name,checkout,env,prod"),
            ("DROP_LABELS", "aws_account_id,log_group")).Labels(Source);

        Assert.Equal("""{aws_service="lambda", env="prod", service_name="checkout"}""", labels.Text);
    }

    [Fact]
    public void Values_are_escaped_the_go_way()
    {
        var source = Source with { LogGroup = "/custom/we\"ird\\name\nx/ünï" };

        var labels = Labeler().Labels(source);

        Assert.Contains("""log_group="/custom/we\"ird\\name\nx/ünï""", labels.Text);
        Assert.Equal(source.LogGroup, LabelText.Parse(labels.Text)["log_group"]);
    }

    [Fact]
    public void Empty_values_are_left_out_as_loki_would()
    {
        var labels = LabelSet.From([new("a", "1"), new("b", "")]);

        Assert.Equal("""{a="1"}""", labels.Text);
    }

    [Fact]
    public void Records_of_other_log_streams_share_one_label_set_unless_the_stream_is_a_label()
    {
        var shared = Labeler();
        var kept = Labeler(("KEEP_STREAM", "true"));
        var a = new KinesisOrigin("/aws/lambda/checkout", "stream-a", "123456789012", "arn:aws:kinesis:eu-west-1:123456789012:stream/s");
        var b = a with { LogStream = "stream-b" };

        Assert.Same(shared.Labels(a), shared.Labels(b));
        Assert.NotEqual(kept.Labels(a).Text, kept.Labels(b).Text);
        Assert.Same(kept.Labels(a), kept.Labels(a));
        Assert.Contains("log_stream=\"stream-b\"", kept.Labels(b).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_through_Kinesis_name_the_stream_in_the_lambda_promtail_scheme_only()
    {
        var origin = new KinesisOrigin("/aws/lambda/checkout", "s", "123456789012", "arn:aws:kinesis:eu-west-1:123456789012:stream/logs");

        Assert.Equal(
            """{__aws_cloudwatch_log_group="/aws/lambda/checkout", __aws_cloudwatch_owner="123456789012", __aws_kinesis_event_source_arn="arn:aws:kinesis:eu-west-1:123456789012:stream/logs", __aws_log_type="kinesis"}""",
            Labeler(("LABEL_SCHEME", "lambda-promtail")).Labels(origin).Text);
        Assert.Equal(Labeler().Labels(Source with { LogGroup = "/aws/lambda/checkout" }).Text, Labeler().Labels(origin).Text);
    }
}
