using System.Text;
using System.Text.Json;
using LokiShipper.Pipeline;
using LokiShipper.Sources.S3;
using LokiShipper.Sources.S3.Triggers;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Sources.S3.Triggers;

/// <summary>
/// Every shape in which AWS says an S3 object was created, read from the examples in the AWS documentation: S3's
/// event notification and test message, both of them inside SNS (to SQS, and to Lambda), raw SNS delivery to SQS,
/// and the events S3 sends to EventBridge.
/// </summary>
public sealed class S3NotificationsTests
{
    // "Example message when an object is created using the PUT request", S3 User Guide, Event message structure:
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
    private const string S3Put = """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-west-2","eventTime":"1970-01-01T00:00:00.000Z",
        "eventName":"ObjectCreated:Put","userIdentity":{"principalId":"AIDAJDPLRKLG7UEXAMPLE"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},
        "responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
        "s3":{"s3SchemaVersion":"1.0","configurationId":"testConfigRule",
        "bucket":{"name":"mybucket","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::mybucket"},
        "object":{"key":"HappyFace.jpg","size":1024,"eTag":"d41d8cd98f00b204e9800998ecf8427e","versionId":"096fKKXTRTtl3on89fVO.nfljtsv6qko","sequencer":"0055AED6DCD90281E5"}}}]}
        """;

    // "Test message", same page: what S3 sends to an SQS or SNS destination when a notification is configured.
    private const string S3TestMessage = """
        {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2014-10-13T15:57:02.089Z","Bucket":"bucketname",
        "RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"}
        """;

    // "Object created", S3 User Guide, EventBridge event message structure:
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
    private const string EventBridgeCreated = """
        {"version":"0","id":"17793124-05d4-b198-2fde-7ededc63b103","detail-type":"Object Created","source":"aws.s3",
        "account":"111122223333","time":"2021-11-12T00:00:00Z","region":"ca-central-1","resources":["arn:aws:s3:::amzn-s3-demo-bucket1"],
        "detail":{"version":"0","bucket":{"name":"amzn-s3-demo-bucket1"},
        "object":{"key":"example-key","size":5,"etag":"b1946ac92492d2347c6235b4d2611184","version-id":"IYV3p45BT0ac8hjHg1houSdS1a.Mro8e","sequencer":"617f08299329d189"},
        "request-id":"N4N7GDK58NMKJ12R","requester":"123456789012","source-ip-address":"1.2.3.4","reason":"PutObject"}}
        """;

    // "Object deleted (using DeleteObject)", same page.
    private const string EventBridgeDeleted = """
        {"version":"0","id":"2ee9cc15-d022-99ea-1fb8-1b1bac4850f9","detail-type":"Object Deleted","source":"aws.s3",
        "account":"111122223333","time":"2021-11-12T00:00:00Z","region":"ca-central-1","resources":["arn:aws:s3:::amzn-s3-demo-bucket1"],
        "detail":{"version":"0","bucket":{"name":"amzn-s3-demo-bucket1"},
        "object":{"key":"example-key","etag":"d41d8cd98f00b204e9800998ecf8427e","version-id":"1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF","sequencer":"617f0837b476e463"},
        "request-id":"0BH729840619AG5K","requester":"123456789012","source-ip-address":"1.2.3.4","reason":"DeleteObject","deletion-type":"Delete Marker Created"}}
        """;

    private static readonly S3ObjectRef HappyFace = new("mybucket", "HappyFace.jpg", "us-west-2", "096fKKXTRTtl3on89fVO.nfljtsv6qko", "d41d8cd98f00b204e9800998ecf8427e", 1024);

    private static readonly S3ObjectRef ExampleKey = new("amzn-s3-demo-bucket1", "example-key", "ca-central-1", "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", "b1946ac92492d2347c6235b4d2611184", 5);

    /// <summary>
    /// The SNS envelope an SQS subscriber receives without raw message delivery: the "raw message delivery disabled"
    /// example of "Amazon SNS raw message delivery"
    /// (https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html), its Message replaced.
    /// </summary>
    private static string SnsEnvelope(string message) => $$"""
        {"Type":"Notification","MessageId":"dc1e94d9-56c5-5e96-808d-cc7f68faa162","TopicArn":"arn:aws:sns:us-east-2:111122223333:ExampleTopic1",
        "Subject":"TestSubject","Message":{{JsonSerializer.Serialize(message)}},"Timestamp":"2021-02-16T21:41:19.978Z","SignatureVersion":"1",
        "Signature":"FMG5tlZhJNHLHUXvZgtZzlk24FzVa7oX0T4P03neeXw8ZEXZx6z35j2FOTuNYShn2h0bKNC/zLTnMyIxEzmi2X1shOBWsJHkrW2xkR58ABZF+4uWHEE73yDVR4SyYAikP9jstZzDRm+bcVs8+T0yaLiEGLrIIIL4esi1llhIkgErCuy5btPcWXBdio2fpCRD5x9oR6gmE/rd5O7lX1c1uvnv4r1Lkk4pqP2/iUfxFZva1xLSRvgyfm6D9hNklVyPfy+7TalMD0lzmJuOrExtnSIbZew3foxgx8GT+lbZkLd0ZdtdRJlIyPRP44eyq78sU0Eo/LsDr0Iak4ZDpg8dXg==",
        "SigningCertURL":"https://sns.us-east-2.amazonaws.com/SimpleNotificationService-010a507c1833636cd94bdb98bd93083a.pem",
        "UnsubscribeURL":"https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-2:111122223333:ExampleTopic1:e1039402-24e7-40a3-a0d4-797da162b297"}
        """;

    /// <summary>
    /// One record of the event SNS invokes Lambda with: "Example Amazon SNS message event" of "Using Lambda with
    /// Amazon SNS" (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html), its Message replaced.
    /// </summary>
    private static string SnsLambdaRecord(string message) => $$$"""
        {"EventVersion":"1.0","EventSubscriptionArn":"arn:aws:sns:us-east-2:123456789012:sns-lambda:21be56ed-a058-49f5-8c98-aedd2564c486",
        "EventSource":"aws:sns","Sns":{"SignatureVersion":"1","Timestamp":"2019-01-02T12:45:07.000Z",
        "Signature":"tcc6faL2yUC6dgZdmrwh1Y4cGa/ebXEkAi6RibDsvpi+tE/1+82j...65r==",
        "SigningCertUrl":"https://sns.us-east-2.amazonaws.com/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem",
        "MessageId":"95df01b4-ee98-5cb9-9903-4c221d41eb5e","Message":{{{JsonSerializer.Serialize(message)}}},
        "MessageAttributes":{"Test":{"Type":"String","Value":"TestString"},"TestBinary":{"Type":"Binary","Value":"TestBinary"}},
        "Type":"Notification","UnsubscribeUrl":"https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-2:123456789012:test-lambda:21be56ed-a058-49f5-8c98-aedd2564c486",
        "TopicArn":"arn:aws:sns:us-east-2:123456789012:sns-lambda","Subject":"TestInvoke"}}
        """;

    private static string SnsLambdaEvent(params string[] messages) => $$"""{"Records":[{{string.Join(",", messages.Select(SnsLambdaRecord))}}]}""";

    /// <summary>
    /// A record shaped like the documented PUT example, with another event name and key. Keys go in verbatim, so
    /// the ones used here need no JSON escaping.
    /// </summary>
    private static string S3Record(string key, string eventName = "ObjectCreated:Put", string bucket = "mybucket", long size = 1024) => $$$"""
        {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-west-2","eventTime":"1970-01-01T00:00:00.000Z","eventName":"{{{eventName}}}",
        "s3":{"s3SchemaVersion":"1.0","configurationId":"testConfigRule","bucket":{"name":"{{{bucket}}}","arn":"arn:aws:s3:::{{{bucket}}}"},
        "object":{"key":"{{{key}}}","size":{{{size}}},"eTag":"d41d8cd98f00b204e9800998ecf8427e","sequencer":"0055AED6DCD90281E5"} } }
        """;

    private static string S3Notification(params string[] records) => $$"""{"Records":[{{string.Join(",", records)}}]}""";

    private static S3Notice? Read(string json, string path = "")
    {
        using var document = JsonDocument.Parse(json);
        return S3Notifications.TryRead(document.RootElement, path);
    }

    private static S3Notice? ReadLambda(string json)
    {
        using var document = JsonDocument.Parse(json);
        return S3Notifications.TryReadLambdaEvent(document.RootElement);
    }

    private static S3Notice? ReadLambda(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return S3Notifications.TryReadLambdaEvent(document.RootElement);
    }

    private static string ErrorOf(Func<S3Notice?> read) => Assert.Throws<InvalidEventException>(() => read()).Message;

    // ---- 1. S3 event notifications -------------------------------------------------------------------------------

    [Fact]
    public void An_S3_event_notification_names_the_created_object_with_its_region_version_etag_and_size()
    {
        var notice = Read(S3Put);

        Assert.NotNull(notice);
        Assert.Equal([HappyFace], notice.Objects);
        Assert.False(notice.IsTestEvent);
        Assert.Equal("s3", notice.Via);
        Assert.Equal(0, notice.IgnoredEvents);
    }

    [Fact]
    public void An_S3_event_notification_that_invokes_Lambda_directly_is_read_the_same_way()
    {
        var notice = ReadLambda(S3Put);

        Assert.NotNull(notice);
        Assert.Equal([HappyFace], notice.Objects);
        Assert.Equal("s3", notice.Via);
    }

    [Theory]
    [InlineData("HappyFace.jpg", "HappyFace.jpg")]
    [InlineData("red+flower.jpg", "red flower.jpg")] // the documentation's own example of the encoding
    [InlineData("test%2Fkey", "test/key")] // the Lambda console's S3 sample event
    [InlineData("my+file%3D1.log", "my file=1.log")]
    [InlineData("a%2Bb+c.log", "a+b c.log")] // a literal plus arrives as %2B, and stays a plus
    [InlineData("100%25+done.log", "100% done.log")]
    [InlineData("logs/%C3%A9t%C3%A9.log", "logs/été.log")] // two-byte UTF-8
    [InlineData("%E2%82%AC+%F0%9F%93%84", "€ 📄")] // three- and four-byte UTF-8
    [InlineData("%c3%a9", "é")] // lower-case hex digits
    [InlineData("déjà+vu.log", "déjà vu.log")] // characters left unescaped pass through
    public void Keys_of_S3_event_notifications_are_URL_decoded_plus_as_space_first(string encoded, string key)
    {
        var notice = Read(S3Notification(S3Record(encoded)));

        Assert.Equal(key, Assert.Single(notice!.Objects).Key);
    }

    [Theory]
    [InlineData("bad%2", 3)]
    [InlineData("bad%zz.log", 3)]
    [InlineData("%", 0)]
    [InlineData("é%4", 2)] // the byte offset counts the two bytes of é
    public void A_percent_sign_without_two_hex_digits_is_an_error_naming_the_key(string encoded, int at)
    {
        var error = ErrorOf(() => Read(S3Notification(S3Record("fine.log"), S3Record(encoded))));

        Assert.Equal($"Records[1].s3.object.key is not URL-encoded as S3 sends keys: the \"%\" at byte {at} is not followed by two hex digits", error);
    }

    [Fact]
    public void Escapes_that_do_not_spell_UTF8_are_an_error_naming_the_key()
    {
        var error = ErrorOf(() => Read(S3Notification(S3Record("%C3%28.log"))));

        Assert.Equal("Records[0].s3.object.key decodes to bytes that are not UTF-8 text", error);
    }

    [Fact]
    public void A_notification_with_two_records_gives_both_objects_in_order()
    {
        var notice = Read(S3Notification(
            S3Record("AWSLogs/1/elasticloadbalancing/a.log.gz", "ObjectCreated:CompleteMultipartUpload", "alb-logs", 9234),
            S3Record("AWSLogs/1/elasticloadbalancing/b.log.gz", "ObjectCreated:Copy", "alb-logs-replica", 0)));

        Assert.Equal(
            [
                new S3ObjectRef("alb-logs", "AWSLogs/1/elasticloadbalancing/a.log.gz", "us-west-2", null, "d41d8cd98f00b204e9800998ecf8427e", 9234),
                new S3ObjectRef("alb-logs-replica", "AWSLogs/1/elasticloadbalancing/b.log.gz", "us-west-2", null, "d41d8cd98f00b204e9800998ecf8427e", 0),
            ],
            notice!.Objects);
    }

    [Fact]
    public void ObjectRemoved_and_other_event_types_are_ignored_and_counted_not_errors()
    {
        // S3 sends a delete without size or eTag; its other fields are not looked at.
        const string removed = """
            {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-west-2","eventName":"ObjectRemoved:Delete",
            "s3":{"bucket":{"name":"mybucket"},"object":{"key":"gone.log","sequencer":"0055AED6DCD90281E6"}}}
            """;
        const string restored = """{"eventSource":"aws:s3","eventName":"ObjectRestore:Completed","s3":{}}""";

        var notice = Read(S3Notification(removed, S3Record("kept.log"), restored));

        Assert.Equal("kept.log", Assert.Single(notice!.Objects).Key);
        Assert.Equal(2, notice.IgnoredEvents);
        Assert.False(notice.IsTestEvent);
    }

    [Fact]
    public void A_notification_of_deletes_only_is_an_empty_notice_not_null()
    {
        var notice = Read(S3Notification(S3Record("gone.log", "ObjectRemoved:DeleteMarkerCreated")));

        Assert.NotNull(notice);
        Assert.Empty(notice.Objects);
        Assert.Equal(1, notice.IgnoredEvents);
    }

    [Fact]
    public void A_version_id_of_null_as_S3_writes_it_for_unversioned_buckets_is_no_version()
    {
        var notice = Read(S3Put.Replace("\"096fKKXTRTtl3on89fVO.nfljtsv6qko\"", "null", StringComparison.Ordinal));

        Assert.Equal(HappyFace with { VersionId = null }, Assert.Single(notice!.Objects));
    }

    // ---- 2. The test message ---------------------------------------------------------------------------------------

    [Fact]
    public void S3s_test_message_is_a_test_event_with_no_objects()
    {
        var notice = Read(S3TestMessage);

        Assert.NotNull(notice);
        Assert.True(notice.IsTestEvent);
        Assert.Empty(notice.Objects);
        Assert.Equal("s3", notice.Via);
    }

    // ---- 3. SNS to SQS, with and without raw message delivery ------------------------------------------------------

    [Fact]
    public void An_SNS_notification_is_unwrapped_to_the_S3_event_in_its_Message()
    {
        var notice = Read(SnsEnvelope(S3Put));

        Assert.NotNull(notice);
        Assert.Equal([HappyFace], notice.Objects);
        Assert.False(notice.IsTestEvent);
        Assert.Equal("sns", notice.Via);
    }

    [Fact]
    public void An_SNS_wrapped_test_message_is_a_test_event()
    {
        var notice = Read(SnsEnvelope(S3TestMessage));

        Assert.NotNull(notice);
        Assert.True(notice.IsTestEvent);
        Assert.Empty(notice.Objects);
        Assert.Equal("sns", notice.Via);
    }

    [Fact]
    public void An_SNS_wrapped_EventBridge_event_is_unwrapped_too()
    {
        var notice = Read(SnsEnvelope(EventBridgeCreated));

        Assert.Equal([ExampleKey], notice!.Objects);
        Assert.Equal("sns", notice.Via);
    }

    [Fact]
    public void With_raw_message_delivery_the_SQS_body_is_the_S3_event_itself()
    {
        // SNS "strips any Amazon SNS metadata from the published message and sends it as is": the body is S3's JSON.
        var sqs = TestEvents.Sqs(("m-1", S3Put));
        using var document = JsonDocument.Parse(sqs);
        using var body = JsonDocument.Parse(document.RootElement.GetProperty("Records")[0].GetProperty("body").GetString()!);

        var notice = S3Notifications.TryRead(body.RootElement, "Records[0] (messageId m-1): body.");

        Assert.Equal([HappyFace], notice!.Objects);
        Assert.Equal("s3", notice.Via);
    }

    // ---- 4. EventBridge ------------------------------------------------------------------------------------------

    [Fact]
    public void An_EventBridge_Object_Created_event_names_the_object_with_its_region_version_etag_and_size()
    {
        var notice = Read(EventBridgeCreated);

        Assert.NotNull(notice);
        Assert.Equal([ExampleKey], notice.Objects);
        Assert.False(notice.IsTestEvent);
        Assert.Equal("eventbridge", notice.Via);
        Assert.Equal(0, notice.IgnoredEvents);
    }

    [Fact]
    public void An_EventBridge_Object_Created_event_that_invokes_Lambda_directly_is_read_the_same_way()
    {
        var notice = ReadLambda(EventBridgeCreated);

        Assert.Equal([ExampleKey], notice!.Objects);
        Assert.Equal("eventbridge", notice.Via);
    }

    [Fact]
    public void EventBridge_keys_are_not_URL_encoded_and_are_taken_as_they_are()
    {
        var notice = Read(EventBridgeCreated.Replace("\"example-key\"", "\"logs/a+b%20c.log\"", StringComparison.Ordinal));

        Assert.Equal("logs/a+b%20c.log", Assert.Single(notice!.Objects).Key);
    }

    [Fact]
    public void An_EventBridge_Object_Deleted_event_is_an_empty_notice_not_an_error()
    {
        var notice = Read(EventBridgeDeleted);

        Assert.NotNull(notice);
        Assert.Empty(notice.Objects);
        Assert.False(notice.IsTestEvent);
        Assert.Equal("eventbridge", notice.Via);
        Assert.Equal(1, notice.IgnoredEvents);
        Assert.Empty(ReadLambda(EventBridgeDeleted)!.Objects);
    }

    // ---- SNS invoking Lambda -----------------------------------------------------------------------------------------

    [Fact]
    public void SNS_invoking_Lambda_gives_the_objects_of_the_S3_event_in_Sns_Message()
    {
        var notice = ReadLambda(SnsLambdaEvent(S3Put));

        Assert.NotNull(notice);
        Assert.Equal([HappyFace], notice.Objects);
        Assert.False(notice.IsTestEvent);
        Assert.Equal("sns", notice.Via);
    }

    [Fact]
    public void Several_SNS_records_give_all_their_objects_in_order()
    {
        var notice = ReadLambda(SnsLambdaEvent(
            S3Notification(S3Record("a.log"), S3Record("b.log")),
            S3TestMessage,
            EventBridgeDeleted,
            S3Notification(S3Record("c.log"))));

        Assert.Equal(["a.log", "b.log", "c.log"], notice!.Objects.Select(o => o.Key));
        Assert.False(notice.IsTestEvent);
        Assert.Equal(1, notice.IgnoredEvents);
    }

    [Fact]
    public void SNS_invoking_Lambda_with_only_the_test_message_is_a_test_event()
    {
        var notice = ReadLambda(SnsLambdaEvent(S3TestMessage));

        Assert.True(notice!.IsTestEvent);
        Assert.Empty(notice.Objects);
    }

    // ---- Errors name the field ---------------------------------------------------------------------------------------

    [Fact]
    public void A_missing_bucket_name_is_an_error_naming_the_field()
    {
        var error = ErrorOf(() => Read(S3Put.Replace("\"name\":\"mybucket\",", string.Empty, StringComparison.Ordinal)));

        Assert.Equal("Records[0].s3.bucket.name is missing or not a string", error);
    }

    [Fact]
    public void Errors_inside_an_SQS_message_are_prefixed_with_the_path_given()
    {
        var error = ErrorOf(() => Read(S3Put.Replace("\"name\":\"mybucket\",", string.Empty, StringComparison.Ordinal), "Records[2] (messageId m-1): body."));

        Assert.Equal("Records[2] (messageId m-1): body.Records[0].s3.bucket.name is missing or not a string", error);
    }

    [Fact]
    public void A_key_that_is_not_a_string_is_an_error_naming_the_field()
    {
        var error = ErrorOf(() => Read(S3Put.Replace("\"HappyFace.jpg\"", "42", StringComparison.Ordinal)));

        Assert.Equal("Records[0].s3.object.key is missing or not a string", error);
    }

    [Fact]
    public void An_empty_key_is_an_error_naming_the_field()
    {
        var error = ErrorOf(() => Read(S3Notification(S3Record("fine.log"), S3Record(string.Empty))));

        Assert.Equal("Records[1].s3.object.key is empty", error);
    }

    [Fact]
    public void A_size_that_is_not_a_whole_number_is_an_error_naming_the_field()
    {
        var error = ErrorOf(() => Read(S3Put.Replace("\"size\":1024", "\"size\":\"1024\"", StringComparison.Ordinal)));

        Assert.Equal("Records[0].s3.object.size is not a whole number of bytes", error);
    }

    [Fact]
    public void A_record_without_an_event_name_is_an_error_naming_the_field()
    {
        var error = ErrorOf(() => Read(S3Put.Replace("\"eventName\":\"ObjectCreated:Put\",", string.Empty, StringComparison.Ordinal)));

        Assert.Equal("Records[0].eventName is missing or not a string", error);
    }

    [Fact]
    public void A_later_record_from_another_source_is_an_error_naming_it()
    {
        var error = ErrorOf(() => Read(S3Notification(S3Record("a.log"), """{"eventSource":"aws:sqs","body":"{}"}""")));

        Assert.Equal("Records[1].eventSource is not aws:s3, as the first record's is", error);
    }

    [Fact]
    public void An_SNS_Message_that_is_not_JSON_is_an_error_naming_the_field()
    {
        var error = ErrorOf(() => Read(SnsEnvelope("This is a test message."), "Records[2] (messageId m-1): body."));

        Assert.StartsWith("Records[2] (messageId m-1): body.Message is not valid JSON: ", error);
    }

    [Fact]
    public void An_SNS_Message_that_is_JSON_but_no_S3_notification_is_an_error_naming_the_field()
    {
        var error = ErrorOf(() => Read(SnsEnvelope("""{"AlarmName":"high-cpu","NewStateValue":"ALARM"}""")));

        Assert.Equal("Message is not an S3 event notification (Records of aws:s3), S3's test message or an EventBridge event from aws.s3", error);
    }

    [Fact]
    public void An_SNS_notification_without_a_Message_is_an_error_naming_the_field()
    {
        var error = ErrorOf(() => Read("""{"Type":"Notification","MessageId":"dc1e94d9","TopicArn":"arn:aws:sns:us-east-2:111122223333:ExampleTopic1"}"""));

        Assert.Equal("Message is missing or not a string", error);
    }

    [Fact]
    public void Errors_inside_an_SNS_Message_name_the_field_below_Message()
    {
        var error = ErrorOf(() => Read(SnsEnvelope(S3Put.Replace("\"HappyFace.jpg\"", "42", StringComparison.Ordinal))));

        Assert.Equal("Message.Records[0].s3.object.key is missing or not a string", error);
    }

    [Fact]
    public void Errors_in_an_SNS_record_that_invokes_Lambda_name_the_record_and_the_field()
    {
        Assert.StartsWith("Records[1].Sns.Message is not valid JSON: ", ErrorOf(() => ReadLambda(SnsLambdaEvent(S3Put, "Hello from SNS!"))));
        Assert.Equal(
            "Records[0].Sns.Message.Records[0].s3.bucket.name is missing or not a string",
            ErrorOf(() => ReadLambda(SnsLambdaEvent(S3Put.Replace("\"name\":\"mybucket\",", string.Empty, StringComparison.Ordinal)))));
    }

    [Fact]
    public void An_EventBridge_Object_Created_event_without_a_key_is_an_error_naming_the_field()
    {
        var error = ErrorOf(() => Read(EventBridgeCreated.Replace("\"key\":\"example-key\",", string.Empty, StringComparison.Ordinal), "Records[0] (messageId m-7): body."));

        Assert.Equal("Records[0] (messageId m-7): body.detail.object.key is missing or not a string", error);
    }

    // ---- Other shapes are not ours ------------------------------------------------------------------------------------

    [Fact]
    public void A_CloudWatch_Logs_subscription_event_is_not_an_S3_notification()
    {
        var awslogs = Encoding.UTF8.GetString(TestEvents.CloudWatch("/aws/lambda/checkout", "stream", (1, "line")));

        Assert.Null(Read(awslogs));
        Assert.Null(ReadLambda(awslogs));
    }

    [Fact]
    public void An_SQS_event_whose_body_is_a_CloudWatch_event_is_not_an_S3_notification()
    {
        var cloudWatch = Encoding.UTF8.GetString(TestEvents.CloudWatch("/aws/lambda/checkout", "stream", (1, "line")));
        var sqs = TestEvents.Sqs(("m-1", cloudWatch));

        Assert.Null(ReadLambda(sqs));
        Assert.Null(Read(Encoding.UTF8.GetString(sqs)));
        Assert.Null(Read(cloudWatch, "Records[0] (messageId m-1): body."));
    }

    [Fact]
    public void A_Kinesis_event_is_not_an_S3_notification()
    {
        var kinesis = TestEvents.Kinesis(TestEvents.KinesisData("/aws/lambda/checkout", "stream", (1, "line")));

        Assert.Null(ReadLambda(kinesis));
        Assert.Null(ReadLambda(File.ReadAllBytes(TestEvents.SamplePath("kinesis-cloudwatch.json"))));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("\"Records\"")]
    [InlineData("""{"Records":[]}""")]
    [InlineData("""{"Records":"aws:s3"}""")]
    [InlineData("""{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","detail":{}}""")]
    [InlineData("""{"Type":"SubscriptionConfirmation","TopicArn":"arn:aws:sns:us-east-2:111122223333:ExampleTopic1","Message":"You have chosen to subscribe"}""")]
    public void Other_JSON_is_not_an_S3_notification(string json)
    {
        Assert.Null(Read(json));
        Assert.Null(ReadLambda(json));
    }

    [Fact]
    public void SQS_shapes_are_not_Lambda_events_the_SNS_envelope_and_the_test_message()
    {
        // Lambda is never invoked with these: SNS wraps its messages in Records of aws:sns, and S3 checks a Lambda
        // destination's permission instead of sending it the test message.
        Assert.Null(ReadLambda(SnsEnvelope(S3Put)));
        Assert.Null(ReadLambda(S3TestMessage));
    }
}
