using System.Text;
using System.Text.Json;
using LokiShipper.Buffers;
using LokiShipper.Labels;
using LokiShipper.Pipeline;
using LokiShipper.Sources;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Sources;

/// <summary>The router hands each event to the first source that recognises its shape; a new source is one more entry.</summary>
public class EventRouterTests
{
    /// <summary>A source of our own for these tests: reads <c>{"test":[line, …]}</c>.</summary>
    private sealed class LinesSource : ISource
    {
        public int Asked { get; private set; }

        public string Shape => "a test event {\"test\":[…]}";

        public InputEvent? TryRead(JsonElement root, LineArena lines)
        {
            Asked++;
            if (!root.TryGetProperty("test", out var test))
            {
                return null;
            }

            var read = test.EnumerateArray().Select((line, i) => LogLine.FromText(i, line.GetString()!)).ToArray();
            return new InputEvent("test", [new InputItem("only", [new LogRecord(new TestOrigin("t"), read)])], new NoPartialFailures());
        }
    }

    private sealed record TestOrigin(string Name) : LogOrigin
    {
        public override void AddLabels(LabelOptions options, List<KeyValuePair<string, string>> labels) => labels.Add(new("service_name", Name));
    }

    private sealed class NoPartialFailures : IItemFailurePolicy
    {
        public ItemReport Report(IReadOnlyList<ItemOutcome> items) => new(null, [.. items.Where(i => !i.Delivered).Select(i => i.Error!)]);
    }

    private static readonly SourceOptions Options = new(1 << 20, null);

    [Fact]
    public void A_source_added_to_the_list_reads_its_events_and_the_others_still_read_theirs()
    {
        var test = new LinesSource();
        var router = new EventRouter([.. Composition.CreateRouter(Options).Sources, test]);

        using var ours = router.Read(Encoding.UTF8.GetBytes("""{"test":["a","b"]}"""));
        using var cloudwatch = router.Read(TestEvents.CloudWatch("/g", "s", (1, "x")));

        Assert.Equal("test", ours.Source);
        Assert.Equal(["a", "b"], ours.Items.Single().Records.Single().Lines.Select(l => l.Text));
        Assert.Equal("cloudwatch", cloudwatch.Source);
        Assert.Equal(1, test.Asked); // asked last: the CloudWatch event never reached it
    }

    [Fact]
    public void An_event_no_source_reads_is_refused_naming_every_shape_accepted()
    {
        var router = new EventRouter([new LinesSource()]);

        var ex = Assert.Throws<InvalidEventException>(() => router.Read(Encoding.UTF8.GetBytes("""{"other":1,"more":2}""")));

        Assert.Equal("unsupported event shape: expected a test event {\"test\":[…]}; got an object with keys [other, more]", ex.Message);
    }

    [Theory]
    [InlineData("not json", "the event is not valid JSON:")]
    [InlineData("[1]", "the event is a JSON array, not an object; expected a test event {\"test\":[…]}")]
    public void An_event_that_is_not_a_JSON_object_is_refused_before_any_source_is_asked(string json, string expected)
    {
        var source = new LinesSource();

        var ex = Assert.Throws<InvalidEventException>(() => new EventRouter([source]).Read(Encoding.UTF8.GetBytes(json)));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, source.Asked);
    }
}
