namespace LokiShipper.Processing.Multiline;

/// <summary>
/// Where one language's rules are after a line: inside which part of a trace, or outside any (<see cref="None"/>).
/// Each rule set keeps its own (auto mode runs all four side by side); the state lives in the caller's locals, one
/// record at a time, so the rules hold nothing between records or threads.
/// </summary>
internal enum TraceState : byte
{
    /// <summary>Outside any trace of this language.</summary>
    None,

    /// <summary>Java: after an <c>at</c> frame, a <c>Caused by:</c> or another line of a trace.</summary>
    JavaTrace,

    /// <summary>Python: after <c>Traceback (most recent call last):</c> or one of its indented lines.</summary>
    PythonTraceback,

    /// <summary>Python: after the exception line that ends a traceback (<c>ValueError: …</c>).</summary>
    PythonError,

    /// <summary>Python: after <c>During handling of the above exception…</c> or <c>The above exception was the direct cause…</c>.</summary>
    PythonChain,

    /// <summary>.NET: after a console logger header (<c>fail: Category[0]</c>) or one of its message lines.</summary>
    DotNetLoggerEntry,

    /// <summary>Go: after <c>panic: …</c> or <c>fatal error: …</c>, before the first goroutine.</summary>
    GoPanic,

    /// <summary>Go: inside a goroutine's stack (after <c>goroutine N […]:</c>).</summary>
    GoStack,
}
