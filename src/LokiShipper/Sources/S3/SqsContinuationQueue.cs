using Amazon.SQS;
using Amazon.SQS.Model;

namespace LokiShipper.Sources.S3;

/// <summary>The continuation queue: an SQS queue whose event source mapping invokes this function again.</summary>
/// <param name="sqs">The SQS client.</param>
/// <param name="queueUrl">The queue (<c>S3_CONTINUATION_QUEUE_URL</c>).</param>
internal sealed class SqsContinuationQueue(IAmazonSQS sqs, string queueUrl) : IContinuationQueue, IDisposable
{
    /// <summary>With the SDK's credentials and region, and <c>AWS_ENDPOINT_URL_SQS</c> or <c>AWS_ENDPOINT_URL</c> for emulators.</summary>
    public static SqsContinuationQueue FromEnvironment(string queueUrl, Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        var endpoint = variable("AWS_ENDPOINT_URL_SQS") ?? variable("AWS_ENDPOINT_URL");
        var config = new AmazonSQSConfig();
        if (!string.IsNullOrEmpty(endpoint))
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = variable("AWS_REGION");
        }

        return new SqsContinuationQueue(new AmazonSQSClient(config), queueUrl);
    }

    public async Task SendAsync(S3Continuation continuation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = queueUrl, MessageBody = continuation.ToJson() }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonSQSException ex)
        {
            throw new InvalidOperationException($"the rest of {continuation} could not be queued on {queueUrl}: {ex.ErrorCode}: {ex.Message}", ex);
        }
    }

    public void Dispose() => sqs.Dispose();
}
