namespace LokiShipper.Processing.Multiline;

/// <summary>Which lines continue the entry before them (<c>MULTILINE</c>).</summary>
internal enum MultilineMode
{
    /// <summary>Every line is its own entry (the default: joining changes what is stored).</summary>
    Off,

    /// <summary>Java (and JVM) stack traces: <c>at</c> frames, <c>Caused by:</c>, <c>... N more</c>.</summary>
    Java,

    /// <summary>Python tracebacks, chained exceptions included.</summary>
    Python,

    /// <summary>.NET exception traces and the console logger's indented message lines.</summary>
    DotNet,

    /// <summary>Go panics and goroutine dumps.</summary>
    Go,

    /// <summary>The Java, Python, .NET and Go rules together.</summary>
    Auto,

    /// <summary>A line the user's regular expression matches starts an entry; every other line continues it.</summary>
    Custom,
}
