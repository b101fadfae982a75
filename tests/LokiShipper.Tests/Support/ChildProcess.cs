using System.Diagnostics;
using System.Globalization;

namespace LokiShipper.Tests.Support;

/// <summary>What a child run of the CLI did, and its peak resident memory (Linux VmHWM).</summary>
public sealed record ChildRun(int ExitCode, string Stderr, long StdoutBytes, long PeakBytes);

/// <summary>Runs the CLI (<c>LokiShipper.Cli.dll</c>) as a separate process and measures its peak working set.</summary>
public static class ChildProcess
{
    public static async Task<ChildRun> RunCliAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "LokiShipper.Cli.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        ChildEnvironment.Isolate(info, environment);

        using var process = Process.Start(info)!;
        var stdoutBytes = DrainAsync(process.StandardOutput.BaseStream);
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        var status = $"/proc/{process.Id}/status";
        while (!process.HasExited)
        {
            peak = Math.Max(peak, ReadHighWaterMark(status));
            await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(2)); // sampling the peak, not timing anything
        }

        await process.WaitForExitAsync();
        return new ChildRun(process.ExitCode, await stderr, await stdoutBytes, peak);
    }

    private static async Task<long> DrainAsync(Stream stream)
    {
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            total += n;
        }

        return total;
    }

    private static long ReadHighWaterMark(string statusPath)
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
