using Google.Protobuf;
using System.Text;
using System.Text.Json;
using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Loki.Encoders;
using LokiShipper.Tests.Support;
using LokiShipper.Tests.Support.Proto;

namespace LokiShipper.Tests.Loki.Encoders;

public class EncoderTests
{
    private static readonly StructuredMetadata Stream1 = new([new("log_stream", "2026/11/22/[$LATEST]abc")]);

    private static PushBatch SampleBatch()
    {
        var a = LabelSet.From([new("service_name", "checkout"), new("log_group", "/aws/lambda/checkout")]);
        var b = LabelSet.From([new("service_name", "quote\"d"), new("log_group", "/x")]);
        LokiEntry E(long ns, string line, StructuredMetadata m) => LokiEntry.FromText(ns, line, m);
        return new PushBatch(0, [
            new LokiStream(a, [
                E(1_795_000_000_123_000_000, "START RequestId: 1", Stream1),
                E(1_795_000_000_124_000_000, "  ünïcödé ✓ 🚀\tverbatim \n", Stream1),
                E(1_795_000_001_000_000_000, "", Stream1),
            ]),
            new LokiStream(b, [E(5, "tiny timestamp", StructuredMetadata.Empty), E(-1_500_000_000, "before 1970", StructuredMetadata.Empty)]),
        ], 5, 0);
    }

    [Fact]
    public void Protobuf_snappy_round_trips_through_an_independent_decoder()
    {
        var batch = SampleBatch();
        using var encoded = new ProtobufSnappyEncoder().Encode(batch, includeMetadata: true);

        Assert.Equal("application/x-protobuf", encoded.ContentType);
        Assert.Null(encoded.ContentEncoding);

        // Decode as Loki does: snappy block, then the protoc-generated parser.
        var request = PushRequest.Parser.ParseFrom(Snappier.Snappy.DecompressToArray(encoded.Memory.ToArray()));
        Assert.Equal(2, request.Streams.Count);
        Assert.Equal(batch.Streams[0].Labels.Text, request.Streams[0].Labels);
        Assert.Equal(batch.Streams[1].Labels.Text, request.Streams[1].Labels);

        var first = request.Streams[0].Entries;
        Assert.Equal(1_795_000_000L, first[0].Timestamp.Seconds);
        Assert.Equal(123_000_000, first[0].Timestamp.Nanos);
        Assert.Equal("START RequestId: 1", first[0].Line);
        Assert.Equal("  ünïcödé ✓ 🚀\tverbatim \n", first[1].Line);
        Assert.Equal(1_795_000_001L, first[2].Timestamp.Seconds);
        Assert.Equal(0, first[2].Timestamp.Nanos);
        Assert.Equal("", first[2].Line);
        Assert.All(first, e =>
        {
            var pair = Assert.Single(e.StructuredMetadata);
            Assert.Equal(("log_stream", "2026/11/22/[$LATEST]abc"), (pair.Name, pair.Value));
        });

        var second = request.Streams[1].Entries;
        Assert.Equal((0L, 5), (second[0].Timestamp.Seconds, second[0].Timestamp.Nanos));
        Assert.Equal((-2L, 500_000_000), (second[1].Timestamp.Seconds, second[1].Timestamp.Nanos));
        Assert.Empty(second[0].StructuredMetadata);
    }

    [Fact]
    public void Protobuf_output_is_byte_identical_to_the_generated_serializer()
    {
        AssertSameAsGeneratedSerializer(SampleBatch());
    }

    [Fact]
    public void Entries_alternating_between_more_metadata_instances_than_are_remembered_encode_each_their_own()
    {
        // Lambda lines sorted by time alternate between a request's levels; 12 instances outnumber the 8 remembered.
        var instances = Enumerable.Range(0, 12)
            .Select(i => new StructuredMetadata([new("log_stream", "s"), new("level", i % 2 == 0 ? "info" : "error"), new("request_id", $"r-{i}")]))
            .ToArray();
        var entries = Enumerable.Range(0, 60).Select(i => LokiEntry.FromText(1_795_000_000_000_000_000 + i, $"line {i}", instances[(i * 7) % instances.Length])).ToArray();
        var batch = new PushBatch(0, [new LokiStream(LabelSet.From([new("service_name", "x")]), entries)], entries.Length, 0);

        AssertSameAsGeneratedSerializer(batch);
    }

    private static void AssertSameAsGeneratedSerializer(PushBatch batch)
    {
        using var encoded = new ProtobufSnappyEncoder().Encode(batch, includeMetadata: true);

        var expected = new PushRequest();
        foreach (var stream in batch.Streams)
        {
            var adapter = new StreamAdapter { Labels = stream.Labels.Text };
            foreach (var entry in stream.Entries)
            {
                var seconds = Math.DivRem(entry.TimestampNs, 1_000_000_000L, out var nanos);
                if (nanos < 0)
                {
                    seconds--;
                    nanos += 1_000_000_000L;
                }

                var e = new EntryAdapter
                {
                    Timestamp = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = seconds, Nanos = (int)nanos },
                    Line = entry.LineText,
                };
                e.StructuredMetadata.AddRange(entry.Metadata.Pairs.Select(p => new LabelPairAdapter { Name = p.Key, Value = p.Value }));
                adapter.Entries.Add(e);
            }

            expected.Streams.Add(adapter);
        }

        Assert.Equal(expected.ToByteArray(), Snappier.Snappy.DecompressToArray(encoded.Memory.ToArray()));
    }

    [Fact]
    public void Json_body_has_loki_shape_with_nanosecond_strings()
    {
        using var encoded = new JsonPushEncoder(gzip: false).Encode(SampleBatch(), includeMetadata: false);

        Assert.Equal("application/json", encoded.ContentType);
        using var doc = JsonDocument.Parse(encoded.Memory);
        var stream = doc.RootElement.GetProperty("streams")[0];
        Assert.Equal("checkout", stream.GetProperty("stream").GetProperty("service_name").GetString());
        Assert.Equal("/aws/lambda/checkout", stream.GetProperty("stream").GetProperty("log_group").GetString());
        var value = stream.GetProperty("values")[1];
        Assert.Equal(2, value.GetArrayLength());
        Assert.Equal("1795000000124000000", value[0].GetString());
        Assert.Equal("  ünïcödé ✓ 🚀\tverbatim \n", value[1].GetString());
        Assert.Equal("quote\"d", doc.RootElement.GetProperty("streams")[1].GetProperty("stream").GetProperty("service_name").GetString());
        Assert.Equal("-1500000000", doc.RootElement.GetProperty("streams")[1].GetProperty("values")[1][0].GetString());
    }

    [Fact]
    public void Json_gzip_with_metadata_decodes_as_loki_decodes_it()
    {
        using var encoded = new JsonPushEncoder(gzip: true).Encode(SampleBatch(), includeMetadata: true);

        Assert.Equal("gzip", encoded.ContentEncoding);
        var push = ReceivedPush.Decode(encoded.ContentType, encoded.ContentEncoding, new Dictionary<string, string>(), encoded.Memory.ToArray());
        var entry = push.Streams[0].Entries[0];
        Assert.Equal(1_795_000_000_123_000_000, entry.TimestampNs);
        Assert.Equal("2026/11/22/[$LATEST]abc", entry.Metadata["log_stream"]);
        Assert.Empty(push.Streams[1].Entries[0].Metadata);
    }

    [Fact]
    public void Json_leaves_structured_metadata_out_unless_asked()
    {
        using var encoded = new JsonPushEncoder(gzip: false).Encode(SampleBatch(), includeMetadata: false);

        Assert.DoesNotContain("log_stream", Encoding.UTF8.GetString(encoded.Memory.Span));
    }

    [Fact]
    public void Snappy_body_is_the_block_format_not_the_framed_format()
    {
        using var encoded = new ProtobufSnappyEncoder().Encode(SampleBatch(), includeMetadata: true);

        // The framed format starts with the stream identifier chunk 0xff 06 00 00 "sNaPpY".
        Assert.NotEqual(0xff, encoded.Memory.Span[0]);
        Assert.NotEmpty(Snappier.Snappy.DecompressToArray(encoded.Memory.ToArray()));
    }
}
