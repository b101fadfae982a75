using System.Buffers;
using System.Text;
using LokiShipper.Cli;
using LokiShipper.Buffers;
using LokiShipper.Pipeline;
using LokiShipper.Sources.CloudWatch;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Sources.CloudWatch;

/// <summary>
/// The fast path reads CloudWatch's own layout, gives up on every other one, and where it reads a record the
/// result is exactly the Utf8JsonReader loop's.
/// </summary>
public class LogEventsScannerTests
{
    private static readonly SampleLogEvent[] TrickyEvents =
    [
        new(1_795_000_000_123, "plain"),
        new(1_795_000_000_124, "START RequestId: 8f5e Version: $LATEST\n"),
        new(1_795_000_000_125, "quotes \"GET /v2/servers HTTP/1.1\" and a back\\slash and a tab\t"),
        new(1_795_000_000_126, "café € 😀 <html> & 'single' + plus"),
        new(-1, "before 1970"),
        new(0, ""),
        new(1_795_000_000_127, "{\"level\":\"info\",\"msg\":\"json in a line\"}"),
    ];

    [Fact]
    public void Reads_the_records_CloudWatch_writes_with_exact_timestamps_and_unescaped_lines()
    {
        var json = SubscriptionEventWriter.RecordJson("/aws/lambda/checkout", "s", TrickyEvents);

        var events = Scan(json);

        Assert.NotNull(events);
        Assert.Equal(TrickyEvents.Select(e => (e.TimestampMs * LogLine.NanosPerMilli, e.Message)), events.Select(e => (e.TimestampNs, e.Text)));
    }

    [Theory]
    [InlineData("""[ {"id":"1","timestamp":5,"message":"m"}]""", "whitespace")]
    [InlineData("""[{"id":"1","timestamp":5,"message":"m"} ]""", "whitespace before the end")]
    [InlineData("""[null]""", "a null event")]
    [InlineData("""[{"id":"1","timestamp":5,"message":"m","extractedFields":{}}]""", "another field")]
    [InlineData("""[{"id":"1","timestamp":5}]""", "no message")]
    [InlineData("""[{"id":"1","message":"m"}]""", "no timestamp")]
    [InlineData("""[{"id":"1","timestamp":5.0,"message":"m"}]""", "a fraction")]
    [InlineData("""[{"id":"1","timestamp":5e3,"message":"m"}]""", "an exponent")]
    [InlineData("""[{"id":"1","timestamp":05,"message":"m"}]""", "a leading zero")]
    [InlineData("""[{"id":"1","timestamp":1234567890123456789,"message":"m"}]""", "19 digits")]
    [InlineData("""[{"id":"1","timestamp":-,"message":"m"}]""", "a sign alone")]
    [InlineData("""[{"id":"1","timestamp":9300000000000,"message":"m"}]""", "a timestamp after 2262")]
    [InlineData("""[{"id":1,"timestamp":5,"message":"m"}]""", "a numeric id")]
    [InlineData("""[{"id":"1","timestamp":5,"message":null}]""", "a null message")]
    [InlineData("""[{"id":"1","timestamp":5,"message":"bad \x escape"}]""", "a malformed escape")]
    [InlineData("""[{"id":"1","timestamp":5,"message":"m"},]""", "a trailing comma")]
    [InlineData("""[{"id":"1","timestamp":5,"messag\u0065":"m"}]""", "an escaped property name")]
    [InlineData("""[{"id":"1","timestamp":5,"message":"unterminated""", "the end of the data")]
    public void Gives_up_on_every_other_form(string array, string why)
    {
        var json = Encoding.UTF8.GetBytes("""{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","logEvents":""" + array + "}");

        Assert.True(Scan(json) is null, why);
    }

    [Fact]
    public void Gives_up_on_a_control_character_inside_a_string()
    {
        var json = Encoding.UTF8.GetBytes("{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"id\":\"1\",\"timestamp\":5,\"message\":\"a\u0001b\"}]}");

        Assert.Null(Scan(json));
    }

    [Fact]
    public void A_record_it_gives_up_on_is_still_decoded_by_the_reader()
    {
        var json = Encoding.UTF8.GetBytes("""
            {"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","logEvents":[
              {"id":"1","timestamp":5,"message":"m","extractedFields":{"a":"b"}},
              {"timestamp":6,"message":"n\u00e9"}
            ]}
            """);

        using var record = SubscriptionParser.Parse(new ReadOnlySequence<byte>(json), "f");

        Assert.Equal([(5_000_000L, "m"), (6_000_000L, "né")], record.LogEvents.Select(e => (e.TimestampNs, e.Text)));
    }

    [Theory]
    [InlineData("OpenStack_2k.log")]
    [InlineData("Apache_2k.log")]
    [InlineData("Android_2k.log")]
    [InlineData("Linux_2k.log")]
    public void Reads_loghub_samples_exactly_as_the_reader_does(string file)
    {
        var lines = TestEvents.Loghub(file) ?? TrickyEvents.Select(e => e.Message).ToArray();
        var json = SubscriptionEventWriter.RecordJson("/aws/ecs/" + file, "s", lines.Select((line, i) => new SampleLogEvent(1_795_000_000_000 + i, line)).ToList());

        Assert.NotNull(Scan(json));
        Assert.Equal(Outcome(json, fastPath: false), Outcome(json, fastPath: true));
        Assert.Equal(lines, Outcome(json, fastPath: true).Split('\u241E').Skip(1).Select(e => e.Split('\u241F')[1]));
    }

    /// <summary>
    /// Random single-byte edits of a record (seeded, so a failure repeats): whatever the fast path accepts, the reader
    /// reads the same; whatever either refuses, the error is the reader's.
    /// </summary>
    [Fact]
    public void Every_mutation_of_a_record_decodes_or_fails_as_the_reader_alone_decodes_or_fails()
    {
        var original = SubscriptionEventWriter.RecordJson("g", "s", TrickyEvents);
        byte[] interesting = [.. "\"\\{}[],:-0159.eEnu "u8, 0x01, 0x7F, 0xC3, 0xFF];
        var random = new Random(20261122);
        var decodedByFastPath = 0;
        for (var i = 0; i < 3000; i++)
        {
            var json = original.ToList();
            var at = random.Next(json.Count);
            switch (random.Next(3))
            {
                case 0:
                    json[at] = interesting[random.Next(interesting.Length)];
                    break;
                case 1:
                    json.RemoveAt(at);
                    break;
                default:
                    json.Insert(at, interesting[random.Next(interesting.Length)]);
                    break;
            }

            var mutated = json.ToArray();
            var expected = Outcome(mutated, fastPath: false);
            Assert.True(expected == Outcome(mutated, fastPath: true), $"mutation {i}: {Encoding.UTF8.GetString(mutated)}");
            decodedByFastPath += expected.StartsWith("ok", StringComparison.Ordinal) && Scan(mutated) is not null ? 1 : 0;
        }

        Assert.InRange(decodedByFastPath, 500, 3000); // the comparison covered the fast path, not only the reader
    }

    /// <summary>Records over 8 MiB are decompressed into a chain of chunks, which only the reader reads.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public void A_record_in_many_chunks_decodes_as_it_does_in_one_piece(int chunkSize)
    {
        var json = SubscriptionEventWriter.RecordJson("/aws/lambda/checkout", "s", TrickyEvents);

        using var whole = SubscriptionParser.Parse(new ReadOnlySequence<byte>(json), "f");
        using var chunked = SubscriptionParser.Parse(Chunked(json, chunkSize), "f");

        Assert.Equal(TrickyEvents.Select(e => (e.TimestampMs * LogLine.NanosPerMilli, e.Message)), chunked.LogEvents.Select(e => (e.TimestampNs, e.Text)));
        Assert.Equal(whole.LogEvents.Select(e => e.Utf8.ToArray()), chunked.LogEvents.Select(e => e.Utf8.ToArray()));
    }

    private static ReadOnlySequence<byte> Chunked(byte[] data, int chunkSize)
    {
        Chunk? first = null, last = null;
        for (var offset = 0; offset < data.Length; offset += chunkSize)
        {
            var chunk = new Chunk(data.AsMemory(offset, Math.Min(chunkSize, data.Length - offset)), offset);
            first ??= chunk;
            last?.Append(chunk);
            last = chunk;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(ReadOnlyMemory<byte> memory, long runningIndex) => (Memory, RunningIndex) = (memory, runningIndex);

        public void Append(Chunk next) => Next = next;
    }

    /// <summary>The scanner's events for the record's logEvents array, or null when it gives up.</summary>
    private static LogLine[]? Scan(byte[] json)
    {
        var start = json.AsSpan().IndexOf("\"logEvents\":["u8);
        Assert.True(start >= 0, "the record has no logEvents array");
        var events = new LineBuffer(1); // grows as it goes
        var lines = new byte[json.Length];
        return LogEventsScanner.TryRead(json, start + 13, lines, 0, events, out _, out var end) && json[end] == ']' ? events.Segment.ToArray() : null;
    }

    /// <summary>What decoding gives: the record's fields and events, or the error message.</summary>
    private static string Outcome(byte[] json, bool fastPath)
    {
        try
        {
            using var record = fastPath
                ? SubscriptionParser.Parse(new ReadOnlySequence<byte>(json), "f")
                : SubscriptionParser.Parse(new ReadOnlySequence<byte>(json), "f", fastPath: false);
            return $"ok {record.MessageType} {record.Owner} {record.LogGroup} {record.LogStream}"
                + string.Concat(record.LogEvents.Select(e => $"\u241E{e.TimestampNs}\u241F{Encoding.UTF8.GetString(e.Utf8.Span)}\u241F{Convert.ToHexString(e.Utf8.Span)}"));
        }
        catch (InvalidEventException ex)
        {
            return "error " + ex.Message;
        }
    }
}
