using System.Text;
using LokiShipper.Sources.S3.Formats;

namespace LokiShipper.Tests.Sources.S3.Formats;

public class MskLineFormatTests
{
    [Fact]
    public void Broker_log_lines_take_their_log4j_time_in_utc_with_milliseconds()
    {
        // The sample's first line ends with a carriage return.
        Assert.Equal(
            [(LineKind.Entry, 1751630275836000000L), (LineKind.Entry, 1751630275839000000L)],
            S3Samples.Read(S3LogFormat.Msk, "msk.log"));
    }

    [Fact]
    public void Lines_of_a_stack_trace_take_the_time_of_the_entry_they_continue()
    {
        var reader = LineFormats.Create(S3LogFormat.Msk);
        string[] lines =
        [
            "\tat kafka.server.KafkaApis.handle(KafkaApis.scala:123)",
            "[2025-07-04 11:57:55,836] ERROR Error processing request (kafka.server.KafkaApis)",
            "java.io.IOException: Connection reset by peer",
            "\tat kafka.network.Processor.poll(SocketServer.scala:989)",
            "[2025-07-04 11:57:55,839] INFO Kafka version: 4.0.0 (org.apache.kafka.common.utils.AppInfoParser)",
        ];

        Assert.Equal(
            [
                (LineKind.EntryWithoutTimestamp, 0L),
                (LineKind.Entry, 1751630275836000000L),
                (LineKind.Entry, 1751630275836000000L),
                (LineKind.Entry, 1751630275836000000L),
                (LineKind.Entry, 1751630275839000000L),
            ],
            S3Samples.Read(reader, lines.Select(Encoding.UTF8.GetBytes)));
    }
}
