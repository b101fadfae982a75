using System.Text.Json;
using LokiShipper.Diagnostics;
using LokiShipper.Onboarding;
using LokiShipper.Pipeline;
using LokiShipper.Runtime;

namespace LokiShipper.Function;

/// <summary>
/// What Lambda sees: event bytes in, the pipeline's outcome out as the summary line, the metrics line and the
/// response. SQS and Kinesis events are answered with <c>batchItemFailures</c>; any other failed outcome fails the
/// invocation, so Lambda retries the event. Onboarding events (a custom resource request, a new log group) go to the
/// onboarding handler instead of the pipeline.
/// </summary>
internal sealed class ShipperFunction
{
    private readonly ShipperPipeline _pipeline;
    private readonly ShipperLog _log;
    private readonly TimeProvider _time;
    private readonly string? _functionName;
    private readonly bool _emitMetrics;
    private readonly OnboardingHandler? _onboarding;

    /// <param name="pipeline">The stages.</param>
    /// <param name="log">Where the summary (and metrics) lines go.</param>
    /// <param name="time">The clock for metric timestamps.</param>
    /// <param name="functionName">The metrics' FunctionName dimension.</param>
    /// <param name="emitMetrics">Write the EMF metrics line (on Lambda); local invokes leave it out.</param>
    /// <param name="onboarding">Handles onboarding events; null treats every event as log data.</param>
    public ShipperFunction(ShipperPipeline pipeline, ShipperLog log, TimeProvider time, string? functionName, bool emitMetrics = true, OnboardingHandler? onboarding = null)
    {
        _onboarding = onboarding;
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
    /// <exception cref="InvocationFailedException">The outcome is a failure Lambda is to retry.</exception>
    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> eventJson, InvocationContext context, CancellationToken cancellationToken, string? eventName = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_onboarding is not null && await _onboarding.TryHandleAsync(eventJson, context, cancellationToken).ConfigureAwait(false) is { } onboarded)
        {
            _log.WriteObject(w =>
            {
                WriteEventName(w, eventName, context);
                OnboardingSummary.WriteFields(w, onboarded);
            });
            return onboarded.Ok
                ? Json(w => OnboardingSummary.WriteFields(w, onboarded))
                : throw new InvocationFailedException("Onboarding", onboarded.Error!);
        }

        var outcome = await _pipeline.RunAsync(eventJson, context, cancellationToken).ConfigureAwait(false);

        // The summary line is the product's record of what happened to every entry: written whatever LOG_LEVEL says.
        _log.WriteObject(w =>
        {
            WriteEventName(w, eventName, context);
            SummaryLine.WriteFields(w, outcome);
        });
        if (_emitMetrics)
        {
            _log.WriteObject(w => EmbeddedMetrics.Write(w, outcome, _functionName, _time.GetUtcNow()));
        }

        return Response(outcome);
    }

    /// <summary>The Lambda response for an outcome, or the exception that fails the invocation.</summary>
    public static byte[] Response(InvocationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.BatchItemFailures is { } failures)
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

        if (!outcome.Ok)
        {
            throw new InvocationFailedException(outcome.Errors[0].Type, outcome.ErrorMessage!);
        }

        return Json(w => SummaryLine.WriteFields(w, outcome));
    }

    private static void WriteEventName(Utf8JsonWriter writer, string? eventName, InvocationContext context)
    {
        if (eventName is not null)
        {
            writer.WriteString("event", eventName);
        }
        else
        {
            writer.WriteString("request_id", context.RequestId);
        }
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
