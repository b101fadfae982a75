namespace LokiShipper.Runtime;

/// <summary>
/// What Lambda tells us about one invocation (from the Runtime API's <c>next</c> headers), or what the local
/// invoke makes up.
/// </summary>
/// <param name="RequestId"><c>Lambda-Runtime-Aws-Request-Id</c>.</param>
/// <param name="Deadline"><c>Lambda-Runtime-Deadline-Ms</c>: when Lambda stops the invocation.</param>
/// <param name="FunctionArn"><c>Lambda-Runtime-Invoked-Function-Arn</c>.</param>
/// <param name="TraceId"><c>Lambda-Runtime-Trace-Id</c>, also exported as <c>_X_AMZN_TRACE_ID</c>.</param>
internal sealed record InvocationContext(string RequestId, DateTimeOffset Deadline, string? FunctionArn = null, string? TraceId = null)
{
    /// <summary>Time left until the deadline, as the given clock sees it.</summary>
    public TimeSpan RemainingTime(TimeProvider time) => Deadline - (time ?? TimeProvider.System).GetUtcNow();
}
