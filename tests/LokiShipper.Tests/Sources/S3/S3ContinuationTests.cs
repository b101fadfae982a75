using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using LokiShipper.Diagnostics;
using LokiShipper.Runtime;
using LokiShipper.Sources.S3;
using LokiShipper.Sources.S3.Reading;
using LokiShipper.Tests.Sources.S3.Reading;
using LokiShipper.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace LokiShipper.Tests.Sources.S3;

/// <summary>
/// An object too large for one invocation: the first stops after a delivered chunk when the time left would not cover
/// another and queues the rest (real SQS API, moto); the next, invoked with that message, ships exactly the rest.
/// </summary>
public sealed class S3ContinuationTests(MotoS3 moto) : IClassFixture<MotoS3>, IAsyncLifetime
{
    private const string Key = "exports/big-app.jsonl.gz";
    private readonly string _bucket = "big-" + Guid.NewGuid().ToString("N")[..12];
    private readonly StringWriter _log = new();
    private readonly FakeTimeProvider _time = FakeClock.New();
    private LokiReceiver _receiver = null!;
    private AmazonSQSClient _sqs = null!;
    private string _queueUrl = null!;

    public async Task InitializeAsync()
    {
        _receiver = await LokiReceiver.StartAsync();
        if (moto.Unavailable is null)
        {
            await moto.Client.PutBucketAsync(new PutBucketRequest { BucketName = _bucket, BucketRegion = new S3Region(MotoS3.Region) });
            _sqs = new AmazonSQSClient(MotoS3.Credentials, new AmazonSQSConfig { ServiceURL = moto.Endpoint.ToString(), AuthenticationRegion = MotoS3.Region });
            _queueUrl = (await _sqs.CreateQueueAsync("continuations-" + _bucket)).QueueUrl;
        }
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _sqs?.Dispose();
    }

    /// <summary>The function, on a clock that each push moves 5 s forward: a chunk takes 5 s of the invocation's time.</summary>
    private LokiShipper.Function.ShipperFunction Function() => Composition.CreateFunction(
        TestOptions.From(("WRITE_ADDRESS", _receiver.PushUrl.ToString()), ("AWS_REGION", MotoS3.Region), ("BATCH_SIZE", "65536"), ("PUSH_CONCURRENCY", "1")),
        new ShipperLog(_log, LogLevel.Info),
        _time,
        httpHandler: new CountingHandler(new SocketsHttpHandler(), _ =>
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            return Task.CompletedTask;
        }),
        emitMetrics: false,
        s3Objects: () => AwsS3Objects.ForEndpoint(moto.Endpoint, MotoS3.Credentials, MotoS3.Region),
        continuations: () => new SqsContinuationQueue(_sqs, _queueUrl));

    private static string Notification(string bucket) => JsonSerializer.Serialize(new
    {
        Records = new[] { new { eventSource = "aws:s3", awsRegion = "eu-west-1", eventName = "ObjectCreated:Put", s3 = new { bucket = new { name = bucket }, @object = new { key = Key } } } },
    });

    private JsonElement LastSummary() => JsonDocument.Parse(_log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;

    [SkippableFact]
    public async Task The_rest_of_an_object_is_handed_on_and_shipped_by_the_next_invocation_with_nothing_lost_or_doubled()
    {
        moto.SkipIfUnavailable();
        var lines = Enumerable.Range(0, 20_000).Select(i => $$"""{"ts":{{1_764_496_800_000 + i}},"n":{{i}}}""").ToArray();
        using (var body = new MemoryStream())
        {
            using (var gzip = new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
            }

            body.Position = 0;
            await moto.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = Key, InputStream = body });
        }

        // First invocation: a minute to live.
        await Function().HandleAsync(Encoding.UTF8.GetBytes(Notification(_bucket)), new InvocationContext("first", _time.GetUtcNow().AddMinutes(1)), CancellationToken.None);

        var first = LastSummary();
        var shippedFirst = first.GetProperty("entries_pushed").GetInt32();
        Assert.Equal(1, first.GetProperty("items_continued").GetInt32());
        Assert.InRange(shippedFirst, 1, lines.Length - 1);
        var message = Assert.Single((await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = _queueUrl, MaxNumberOfMessages = 10 })).Messages);
        var continuation = S3Continuation.TryRead(JsonDocument.Parse(message.Body).RootElement)!;
        Assert.Equal((_bucket, Key, (long)shippedFirst), (continuation.Object.Bucket, continuation.Object.Key, continuation.EntriesDelivered));
        Assert.NotNull(continuation.Object.ETag);

        // Second invocation: the continuation, as its queue's event source mapping delivers it, with time enough.
        var sqsEvent = JsonSerializer.Serialize(new { Records = new[] { new { messageId = message.MessageId, body = message.Body, eventSource = "aws:sqs" } } });
        var response = Encoding.UTF8.GetString(await Function().HandleAsync(Encoding.UTF8.GetBytes(sqsEvent), new InvocationContext("second", _time.GetUtcNow().AddHours(1)), CancellationToken.None));

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        Assert.Equal(lines.Length - shippedFirst, LastSummary().GetProperty("entries_pushed").GetInt32());
        var shipped = _receiver.Accepted.SelectMany(p => p.Streams).SelectMany(s => s.Entries).Select(e => e.Line).ToList();
        Assert.Equal(lines, shipped);
    }

    [SkippableFact]
    public async Task A_continuation_of_an_object_replaced_since_is_counted_as_dropped_not_mixed_with_the_new_content()
    {
        moto.SkipIfUnavailable();
        await moto.Client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = Key, ContentBody = "2026-11-30T10:00:00Z new content\n" });
        var stale = new S3Continuation(new S3ObjectRef(_bucket, Key, MotoS3.Region, ETag: "\"0123456789abcdef0123456789abcdef\""), 5).ToJson();
        var sqsEvent = JsonSerializer.Serialize(new { Records = new[] { new { messageId = "m-1", body = stale, eventSource = "aws:sqs" } } });

        var response = Encoding.UTF8.GetString(await Function().HandleAsync(Encoding.UTF8.GetBytes(sqsEvent), new InvocationContext("r", _time.GetUtcNow().AddMinutes(5)), CancellationToken.None));

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        Assert.Equal(1, LastSummary().GetProperty("dropped_items").GetProperty("s3_object_changed").GetInt32());
        Assert.Empty(_receiver.Accepted);
    }
}
