using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LokiShipper.Cli;

/// <summary>An S3 object the sample events say was created.</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Key">The key as stored (the S3 notification URL-encodes it; EventBridge does not).</param>
/// <param name="Region">The bucket's region.</param>
/// <param name="Size">The object's size in bytes.</param>
/// <param name="VersionId">The version created, for a versioned bucket.</param>
/// <param name="Account">The bucket owner's account.</param>
/// <param name="Time">When the object was created.</param>
internal sealed record S3SampleObject(string Bucket, string Key, string Region, long Size, string? VersionId, string Account, DateTimeOffset Time);

/// <summary>
/// The events that say an S3 object was created, in the shapes AWS sends them (S3 User Guide, "Event message
/// structure" and "EventBridge event message structure"; Lambda Developer Guide, SNS and SQS events): the event
/// notification, that notification in an SNS Lambda event or an SQS event, and EventBridge's <c>Object Created</c>
/// event, on its own or in an SQS event. Used by <c>events s3</c> and by the tests.
/// </summary>
internal static class S3EventWriter
{
    /// <summary>How the event reaches the function, as <c>events s3 --via</c> names it.</summary>
    public static readonly string[] Vias = ["direct", "sns", "sqs", "sns-sqs", "eventbridge", "eventbridge-sqs"];

    // Relaxed escaping, as AWS writes these: a quote inside a message is \", not \u0022.
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Indented = Compact with { Indented = true };

    /// <summary>The Lambda event <paramref name="via"/> names (one of <see cref="Vias"/>).</summary>
    public static byte[] Event(S3SampleObject obj, string via)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return via switch
        {
            "direct" => Notification(obj, indented: true),
            "sns" => SnsLambdaEvent(obj, Encoding.UTF8.GetString(Notification(obj, indented: false))),
            "sqs" => SqsEvent(obj, [Encoding.UTF8.GetString(Notification(obj, indented: false))]),
            "sns-sqs" => SqsEvent(obj, [SnsEnvelope(obj, Encoding.UTF8.GetString(Notification(obj, indented: false)))]),
            "eventbridge" => EventBridge(obj, indented: true),
            "eventbridge-sqs" => SqsEvent(obj, [Encoding.UTF8.GetString(EventBridge(obj, indented: false))]),
            _ => throw new ArgumentOutOfRangeException(nameof(via), via, $"not one of {string.Join(", ", Vias)}"),
        };
    }

    /// <summary>
    /// A key as S3 event notifications write it: form-URL-encoded (a space as <c>+</c>, a plus as <c>%2B</c>, every
    /// other byte of the UTF-8 key but letters, digits and <c>-_.*</c> as <c>%XX</c>), except that S3 leaves
    /// <c>/</c> as it is.
    /// </summary>
    public static string EncodeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var encoded = new StringBuilder(key.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'*' or (byte)'/')
            {
                encoded.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                encoded.Append('+');
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    /// <summary>The S3 event notification (version 2.1) of one <c>ObjectCreated:Put</c>.</summary>
    public static byte[] Notification(S3SampleObject obj, bool indented)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Write(indented, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            writer.WriteStartObject();
            writer.WriteString("eventVersion", "2.1");
            writer.WriteString("eventSource", "aws:s3");
            writer.WriteString("awsRegion", obj.Region);
            writer.WriteString("eventTime", obj.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("eventName", "ObjectCreated:Put");
            writer.WriteStartObject("userIdentity");
            writer.WriteString("principalId", "AWS:AIDAJDPLRKLG7UEXAMPLE");
            writer.WriteEndObject();
            writer.WriteStartObject("requestParameters");
            writer.WriteString("sourceIPAddress", "10.0.1.25");
            writer.WriteEndObject();
            writer.WriteStartObject("responseElements");
            writer.WriteString("x-amz-request-id", RequestId(obj));
            writer.WriteString("x-amz-id-2", "EXAMPLE123/5678abcdefghijklambdaisawesome/mnopqrstuvwxyzABCDEFGH");
            writer.WriteEndObject();
            writer.WriteStartObject("s3");
            writer.WriteString("s3SchemaVersion", "1.0");
            writer.WriteString("configurationId", "loki-shipper");
            writer.WriteStartObject("bucket");
            writer.WriteString("name", obj.Bucket);
            writer.WriteStartObject("ownerIdentity");
            writer.WriteString("principalId", "A3NL1KOZZKExample");
            writer.WriteEndObject();
            writer.WriteString("arn", $"arn:aws:s3:::{obj.Bucket}");
            writer.WriteEndObject();
            writer.WriteStartObject("object");
            writer.WriteString("key", EncodeKey(obj.Key));
            writer.WriteNumber("size", obj.Size);
            writer.WriteString("eTag", ETag(obj));
            if (obj.VersionId is not null)
            {
                writer.WriteString("versionId", obj.VersionId);
            }

            writer.WriteString("sequencer", Sequencer(obj));
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>The <c>Object Created</c> event S3 sends to EventBridge; its key is not URL-encoded.</summary>
    public static byte[] EventBridge(S3SampleObject obj, bool indented)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Write(indented, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("version", "0");
            writer.WriteString("id", Uuid(obj, "eventbridge"));
            writer.WriteString("detail-type", "Object Created");
            writer.WriteString("source", "aws.s3");
            writer.WriteString("account", obj.Account);
            writer.WriteString("time", obj.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("region", obj.Region);
            writer.WriteStartArray("resources");
            writer.WriteStringValue($"arn:aws:s3:::{obj.Bucket}");
            writer.WriteEndArray();
            writer.WriteStartObject("detail");
            writer.WriteString("version", "0");
            writer.WriteStartObject("bucket");
            writer.WriteString("name", obj.Bucket);
            writer.WriteEndObject();
            writer.WriteStartObject("object");
            writer.WriteString("key", obj.Key);
            writer.WriteNumber("size", obj.Size);
            writer.WriteString("etag", ETag(obj));
            if (obj.VersionId is not null)
            {
                writer.WriteString("version-id", obj.VersionId);
            }

            writer.WriteString("sequencer", Sequencer(obj));
            writer.WriteEndObject();
            writer.WriteString("request-id", RequestId(obj));
            writer.WriteString("requester", obj.Account);
            writer.WriteString("source-ip-address", "10.0.1.25");
            writer.WriteString("reason", "PutObject");
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    /// <summary>An SNS Lambda event whose one message is <paramref name="message"/> (the S3 notification, as a string).</summary>
    public static byte[] SnsLambdaEvent(S3SampleObject obj, string message)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var topic = TopicArn(obj);
        var subscription = $"{topic}:{Uuid(obj, "subscription")}";
        return Write(indented: true, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            writer.WriteStartObject();
            writer.WriteString("EventSource", "aws:sns");
            writer.WriteString("EventVersion", "1.0");
            writer.WriteString("EventSubscriptionArn", subscription);
            writer.WriteStartObject("Sns");
            writer.WriteString("Type", "Notification");
            writer.WriteString("MessageId", Uuid(obj, "sns-message"));
            writer.WriteString("TopicArn", topic);
            writer.WriteString("Subject", "Amazon S3 Notification");
            writer.WriteString("Message", message);
            writer.WriteString("Timestamp", SnsTimestamp(obj));
            writer.WriteString("SignatureVersion", "1");
            writer.WriteString("Signature", "EXAMPLE");
            writer.WriteString("SigningCertUrl", $"https://sns.{obj.Region}.amazonaws.com/SimpleNotificationService-EXAMPLE.pem");
            writer.WriteString("UnsubscribeUrl", $"https://sns.{obj.Region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={subscription}");
            writer.WriteStartObject("MessageAttributes");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// The JSON document SNS delivers to an SQS subscriber without raw message delivery: <paramref name="message"/>
    /// in its <c>Message</c>.
    /// </summary>
    public static string SnsEnvelope(S3SampleObject obj, string message)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var topic = TopicArn(obj);
        return Encoding.UTF8.GetString(Write(indented: false, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("Type", "Notification");
            writer.WriteString("MessageId", Uuid(obj, "sns-message"));
            writer.WriteString("TopicArn", topic);
            writer.WriteString("Subject", "Amazon S3 Notification");
            writer.WriteString("Message", message);
            writer.WriteString("Timestamp", SnsTimestamp(obj));
            writer.WriteString("SignatureVersion", "1");
            writer.WriteString("Signature", "EXAMPLE");
            writer.WriteString("SigningCertURL", $"https://sns.{obj.Region}.amazonaws.com/SimpleNotificationService-EXAMPLE.pem");
            writer.WriteString("UnsubscribeURL", $"https://sns.{obj.Region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic}:{Uuid(obj, "subscription")}");
            writer.WriteEndObject();
        }));
    }

    /// <summary>
    /// An SQS event as Lambda's event source mapping delivers it, one message per body, from the notification queue
    /// the template makes (<c>S3NotificationQueue</c>).
    /// </summary>
    public static byte[] SqsEvent(S3SampleObject obj, IReadOnlyList<string> bodies)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(bodies);
        var sentMs = obj.Time.ToUnixTimeMilliseconds();
        return Write(indented: true, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            for (var i = 0; i < bodies.Count; i++)
            {
                var messageId = Uuid(obj, $"sqs-message-{i}");
                writer.WriteStartObject();
                writer.WriteString("messageId", messageId);
                writer.WriteString("receiptHandle", "AQEB" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)))[..40]);
                writer.WriteString("body", bodies[i]);
                writer.WriteStartObject("attributes");
                writer.WriteString("ApproximateReceiveCount", "1");
                writer.WriteString("SentTimestamp", sentMs.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("SenderId", "AIDAJHIPRHEMV73VRJEBU");
                writer.WriteString("ApproximateFirstReceiveTimestamp", (sentMs + 12).ToString(CultureInfo.InvariantCulture));
                writer.WriteEndObject();
                writer.WriteStartObject("messageAttributes");
                writer.WriteEndObject();
                writer.WriteString("md5OfBody", Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(bodies[i]))));
                writer.WriteString("eventSource", "aws:sqs");
                writer.WriteString("eventSourceARN", $"arn:aws:sqs:{obj.Region}:{obj.Account}:loki-shipper-S3NotificationQueue-Xk3Lp9QvR2sT");
                writer.WriteString("awsRegion", obj.Region);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static byte[] Write(bool indented, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, indented ? Indented : Compact))
        {
            write(writer);
        }

        return buffer.ToArray();
    }

    private static string TopicArn(S3SampleObject obj) => $"arn:aws:sns:{obj.Region}:{obj.Account}:s3-log-notifications";

    private static string SnsTimestamp(S3SampleObject obj) =>
        obj.Time.AddMilliseconds(40).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // Values derived from the object, so the same object always gets the same event.
    private static byte[] Hash(S3SampleObject obj, string purpose) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"{purpose}\n{obj.Bucket}\n{obj.Key}\n{obj.VersionId}\n{obj.Time.ToUnixTimeMilliseconds()}"));

    private static string ETag(S3SampleObject obj) => Convert.ToHexStringLower(Hash(obj, "etag").AsSpan(0, 16));

    private static string Sequencer(S3SampleObject obj) => Convert.ToHexString(Hash(obj, "sequencer").AsSpan(0, 9));

    private static string RequestId(S3SampleObject obj) => Convert.ToHexString(Hash(obj, "request-id").AsSpan(0, 8));

    private static string Uuid(S3SampleObject obj, string purpose) => new Guid(Hash(obj, purpose).AsSpan(0, 16)).ToString();
}
