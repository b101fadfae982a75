using System.Text.Json;
using LokiShipper.Diagnostics;
using LokiShipper.Runtime;

namespace LokiShipper.Pipeline;

/// <summary>The invocation failed; its message is what Lambda records as errorMessage.</summary>
public sealed class InvocationFailedException : Exception
{
    public InvocationFailedException()
    {
    }

    public InvocationFailedException(string message)
        : base(message)
    {
    }

    public InvocationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvocationFailedException(string errorType, string message)
        : base(message)
    {
        ErrorType = errorType;
    }

    public string ErrorType { get; } = "InvocationFailed";
}

/// <summary>
/// The Lambda handler: a thin adapter from an invocation (event bytes + context) to the pipeline. It logs the summary
/// line and the metrics line, answers SQS and Kinesis events with <c>batchItemFailures</c>, and turns any other failed summary
/// into a failed invocation so Lambda retries the event.
/// </summary>
public sealed class ShipperHandler
{
    private readonly ShipperPipeline _pipeline;
    private readonly ShipperLog _log;
    private readonly TimeProvider _time;
    private readonly string? _functionName;
    private readonly bool _emitMetrics;

    /// <param name="pipeline">The stages.</param>
    /// <param name="log">Where the summary (and metrics) lines go.</param>
    /// <param name="time">The clock for metric timestamps.</param>
    /// <param name="functionName">The metrics' FunctionName dimension.</param>
    /// <param name="emitMetrics">Write the EMF metrics line (on Lambda); local invokes leave it out.</param>
    public ShipperHandler(ShipperPipeline pipeline, ShipperLog log, TimeProvider time, string? functionName, bool emitMetrics = true)
    {
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _functionName = functionName;
        _emitMetrics = emitMetrics;
    }

    /// <param name="eventJson">The event as Lambda delivered it.</param>
    /// <param name="context">The invocation's request id and deadline.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    /// <param name="eventName">For local invokes: the event file, written first in the summary line.</param>
    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> eventJson, InvocationContext context, CancellationToken cancellationToken, string? eventName = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var summary = await _pipeline.RunAsync(eventJson, context, cancellationToken).ConfigureAwait(false);

        // The summary line is the product's record of what happened to every entry: written whatever LOG_LEVEL says.
        _log.WriteObject(w =>
        {
            if (eventName is not null)
            {
                w.WriteString("event", eventName);
            }
            else
            {
                w.WriteString("request_id", context.RequestId);
            }

            summary.WriteFields(w);
        });
        if (_emitMetrics)
        {
            _log.WriteObject(w => EmbeddedMetrics.Write(w, summary, _functionName, _time.GetUtcNow()));
        }

        if (summary.BatchItemFailures is { } failures)
        {
            // SQS and Kinesis: the invocation succeeds; Lambda retries only what is named here.
            return Json(w =>
            {
                w.WriteStartArray("batchItemFailures");
                foreach (var id in failures)
                {
                    w.WriteStartObject();
                    w.WriteString("itemIdentifier", id);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        }

        if (!summary.Ok)
        {
            throw new InvocationFailedException(summary.ErrorType ?? "InvocationFailed", summary.Error!);
        }

        return Json(summary.WriteFields);
    }

    private static byte[] Json(Action<Utf8JsonWriter> fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            fields(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
