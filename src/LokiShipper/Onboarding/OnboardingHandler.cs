using System.Globalization;
using System.Text;
using System.Text.Json;
using LokiShipper.Onboarding.CloudWatchLogs;
using LokiShipper.Onboarding.CustomResources;
using LokiShipper.Runtime;

namespace LokiShipper.Onboarding;

/// <summary>
/// Answers the events that onboard log groups: CloudFormation's custom resource requests (sweep at Create and
/// Update, removal at Delete) and CloudTrail's <c>CreateLogGroup</c> (one new group). A custom resource request is
/// always answered, SUCCESS or FAILED, before the deadline, so a failed sweep never leaves a stack waiting.
/// </summary>
internal sealed class OnboardingHandler
{
    private readonly OnboardingOptions _options;
    private readonly Lazy<ICloudWatchLogs> _logs;
    private readonly Lazy<CustomResourceResponder> _responder;
    private readonly TimeProvider _time;
    private readonly string? _logLocation;

    /// <param name="options">From the environment: what a <c>CreateLogGroup</c> event leads to.</param>
    /// <param name="logs">CloudWatch Logs, made on the first onboarding event.</param>
    /// <param name="responder">Answers CloudFormation; made on the first custom resource request.</param>
    /// <param name="time">The clock the deadline is read on.</param>
    /// <param name="logLocation">Where the summary line goes (log group and stream), named in a FAILED reason.</param>
    public OnboardingHandler(OnboardingOptions options, Func<ICloudWatchLogs> logs, Func<CustomResourceResponder> responder, TimeProvider time, string? logLocation = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentNullException.ThrowIfNull(logs);
        _logs = new Lazy<ICloudWatchLogs>(logs);
        ArgumentNullException.ThrowIfNull(responder);
        _responder = new Lazy<CustomResourceResponder>(responder);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logLocation = logLocation;
    }

    /// <summary>Handles <paramref name="eventJson"/> if it is an onboarding event; null when it is log data.</summary>
    /// <exception cref="InvalidOperationException">CloudFormation's response URL did not take the answer (Lambda retries the request).</exception>
    public async Task<OnboardingOutcome?> TryHandleAsync(ReadOnlyMemory<byte> eventJson, InvocationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var kind = OnboardingEvents.Classify(eventJson.Span);
        if (kind == OnboardingEventKind.None)
        {
            return null;
        }

        using var document = JsonDocument.Parse(eventJson);
        if (kind == OnboardingEventKind.CustomResource)
        {
            CustomResourceRequest request;
            try
            {
                request = CustomResourceRequest.TryRead(document.RootElement)!;
            }
            catch (FormatException ex)
            {
                // Without a valid ResponseURL there is no one to answer: fail, so the event lands in the failure queue.
                return new OnboardingOutcome("custom_resource", "invalid", null, new OnboardingReport(), ex.Message, null);
            }

            return await HandleCustomResourceAsync(request, context.Deadline, cancellationToken).ConfigureAwait(false);
        }

        LogGroupCreatedEvent created;
        try
        {
            created = LogGroupCreatedEvent.Read(document.RootElement);
        }
        catch (FormatException ex)
        {
            return new OnboardingOutcome("log_group_created", "invalid", null, new OnboardingReport(), ex.Message, null);
        }

        return await HandleCreatedAsync(created, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OnboardingOutcome> HandleCreatedAsync(LogGroupCreatedEvent created, CancellationToken cancellationToken)
    {
        var report = new OnboardingReport();
        var name = created.LogGroupName;
        if (created.ErrorCode is not null)
        {
            return new OnboardingOutcome("log_group_created", "ignored", name, report, null, null, $"the call failed ({created.ErrorCode}): no group was created");
        }

        if (!_options.FollowsNewGroups)
        {
            return new OnboardingOutcome("log_group_created", "ignored", name, report, null, null, "onboarding is off: SUBSCRIPTION_SCOPE is not 'prefixes' and RETENTION_IN_DAYS is 0 (or the scope is 'list')");
        }

        if (!_options.Selects(name))
        {
            report.NotSelected++;
            return new OnboardingOutcome("log_group_created", "ignored", name, report, null, null, "not selected: outside the prefixes, excluded, or the shipper's own log group");
        }

        var onboarder = new LogGroupOnboarder(_logs.Value, _time);
        try
        {
            if (await onboarder.FindAsync(name, cancellationToken).ConfigureAwait(false) is { } group)
            {
                await onboarder.OnboardAsync(_options, group, report, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                report.Gone.Add(name);
            }
        }
        catch (CloudWatchLogsException ex)
        {
            report.Failures.Add(new OnboardingFailure(name, ex.Message));
        }

        var error = report.Failures.Count > 0 ? report.Failures[0].Error : null;
        return new OnboardingOutcome("log_group_created", "onboarded", name, report, error, null);
    }

    private async Task<OnboardingOutcome> HandleCustomResourceAsync(CustomResourceRequest request, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var report = new OnboardingReport();
        var physicalId = request.PhysicalResourceId ?? $"{request.StackName}-{request.LogicalResourceId}";
        var problems = new List<string>();
        var options = Parse(request.Properties, problems);
        bool success;
        string reason;
        if (problems.Count > 0)
        {
            // Properties that were never valid created nothing, so a Delete (the rollback of that Create) has nothing to undo.
            success = request.RequestType == "Delete";
            reason = success ? "nothing to remove: the properties were never valid" : "Invalid configuration: " + string.Join("; ", problems);
        }
        else
        {
            try
            {
                var onboarder = new LogGroupOnboarder(_logs.Value, _time);
                switch (request.RequestType)
                {
                    case "Create":
                        await onboarder.SweepAsync(options, deadline, report, cancellationToken).ConfigureAwait(false);
                        break;
                    case "Update":
                        await onboarder.SweepAsync(options, deadline, report, cancellationToken).ConfigureAwait(false);
                        var old = request.OldProperties is { } oldProperties ? Parse(oldProperties, []) : OnboardingOptions.None;
                        if (report.NotReached == 0)
                        {
                            await onboarder.RemoveAsync(old, name => StillWanted(options, old, name), deadline, report, cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    default:
                        await onboarder.RemoveAsync(options, _ => false, deadline, report, cancellationToken).ConfigureAwait(false);
                        break;
                }

                success = report.Complete;
                reason = Describe(report);
            }
            catch (CloudWatchLogsException ex)
            {
                success = false;
                reason = ex.Message;
            }
        }

        if (!success && _logLocation is not null)
        {
            reason += $" (details: CloudWatch Logs {_logLocation})";
        }

        var answer = new CustomResourceResponse(success, reason, physicalId, Data(report));
        await _responder.Value.SendAsync(request, answer, cancellationToken).ConfigureAwait(false);
        return new OnboardingOutcome("custom_resource", request.RequestType, null, report, null, answer);
    }

    /// <summary>The stack's old filter stays on a group the new options still subscribe with the same filter.</summary>
    private static bool StillWanted(OnboardingOptions current, OnboardingOptions old, string logGroup) =>
        current.Subscribes
        && current.Selects(logGroup)
        && current.FilterName == old.FilterName
        && current.DestinationArn == old.DestinationArn;

    private static OnboardingOptions Parse(IReadOnlyDictionary<string, string> properties, List<string> problems) =>
        OnboardingOptionsParser.Parse(name => properties.TryGetValue(name, out var value) ? value : null, OnboardingSettingNames.CustomResource, problems);

    /// <summary>The counts CloudFormation keeps for <c>Fn::GetAtt</c> (values are strings there).</summary>
    private static List<KeyValuePair<string, string>> Data(OnboardingReport report)
    {
        static KeyValuePair<string, string> Count(string name, int count) => new(name, count.ToString(CultureInfo.InvariantCulture));
        return
        [
            Count("Subscribed", report.Subscribed.Count),
            Count("AlreadySubscribed", report.AlreadySubscribed.Count),
            Count("Full", report.Full.Count),
            Count("RetentionSet", report.RetentionChanges.Count),
            Count("Removed", report.Removed.Count),
        ];
    }

    /// <summary>One sentence for the stack's events: counts, the full groups and the first failure by name.</summary>
    private static string Describe(OnboardingReport report)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{report.Examined} log groups selected: {report.Subscribed.Count} subscribed, {report.Updated.Count} updated, {report.AlreadySubscribed.Count} already subscribed, retention set on {report.RetentionChanges.Count}, filter removed from {report.Removed.Count}");
        if (report.Full.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {report.Full.Count} left alone with two filters already: ")
                .AppendJoin(", ", report.Full.Take(5).Select(full => $"{full.LogGroup} ({string.Join(", ", full.FilterNames)})"));
            if (report.Full.Count > 5)
            {
                text.Append(", ...");
            }
        }

        if (report.Failures.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {report.Failures.Count} failed, first: {report.Failures[0].Error}");
        }

        if (report.NotReached > 0)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"; ran out of time with {report.NotReached} log groups not reached: raise the function's Timeout (up to 900 s) or narrow the selection");
        }

        return text.ToString();
    }
}
