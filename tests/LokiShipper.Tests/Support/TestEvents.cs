using LokiShipper.Cli;

namespace LokiShipper.Tests.Support;

/// <summary>Test events built the way CloudWatch builds them (real gzip + base64).</summary>
public static class TestEvents
{
    public const string Owner = "123456789012";

    public static byte[] CloudWatch(string logGroup, string logStream, params (long TimestampMs, string Message)[] events) =>
        SubscriptionEventWriter.LambdaEvent(logGroup, logStream, events.Select(e => new SampleLogEvent(e.TimestampMs, e.Message)).ToList(), Owner);

    public static byte[] FromRecordJson(string recordJson) =>
        SubscriptionEventWriter.LambdaEvent(System.Text.Encoding.UTF8.GetBytes(recordJson));

    /// <summary>The sample event shipped in events/, as copied next to the test assembly.</summary>
    public static string SamplePath(string name) => Path.Combine(AppContext.BaseDirectory, "events", name);

    /// <summary>Lines of a loghub sample (../shared/corpus/loghub, https://github.com/logpai/loghub), or null when absent.</summary>
    public static string[]? Loghub(string file) => LoghubPath(file) is { } path ? File.ReadAllLines(path) : null;

    /// <summary>
    /// The path of a loghub sample: the copy in TestData/loghub, else the shared/ folder beside the repository, or
    /// null when neither has it.
    /// </summary>
    public static string? LoghubPath(string file)
    {
        var copy = Path.Combine(AppContext.BaseDirectory, "TestData", "loghub", file);
        if (File.Exists(copy))
        {
            return copy;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "shared", "corpus", "loghub", file);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
