using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LokiShipper.Tests.Support;

/// <summary>What child processes and loopback servers of the tests share.</summary>
public static class ChildEnvironment
{
    /// <summary>Shipper settings a developer may have exported; a child process must not inherit them.</summary>
    private static readonly string[] ShipperVariables = ["WRITE_ADDRESS", "LOKI_URL", "USERNAME", "PASSWORD", "BEARER_TOKEN", "BATCH_SIZE"];

    /// <summary>Removes the shipper settings the test process inherited, then sets <paramref name="variables"/>.</summary>
    public static void Isolate(ProcessStartInfo info, IEnumerable<KeyValuePair<string, string>> variables)
    {
        ArgumentNullException.ThrowIfNull(info);
        foreach (var name in ShipperVariables)
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in variables)
        {
            info.Environment[name] = value;
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Waits until something listens on 127.0.0.1:<paramref name="port"/>, polling every 50 ms up to
    /// <paramref name="limit"/>; fails at once, with <paramref name="describe"/>'s words, when <paramref name="process"/> exits.
    /// </summary>
    public static async Task WaitUntilListeningAsync(Process process, int port, TimeSpan limit, Func<string> describe)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(describe);
        var attempts = (int)(limit.TotalMilliseconds / 50);
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{describe()} exited with code {process.ExitCode}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50); // waiting for a child process to listen, bounded by the limit
            }
        }

        throw new InvalidOperationException($"{describe()} did not listen on 127.0.0.1:{port} within {limit.TotalSeconds:0} s");
    }

    /// <summary>The full path of <paramref name="program"/> in a PATH folder (with a PATHEXT extension on Windows), or null.</summary>
    public static string? FindOnPath(string program)
    {
        string[] extensions = OperatingSystem.IsWindows()
            ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD").Split(';', StringSplitOptions.RemoveEmptyEntries)
            : [""];
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(folder.Trim('"'), program + extension);
                if (File.Exists(candidate) && (OperatingSystem.IsWindows() || IsExecutable(candidate)))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool IsExecutable(string path) =>
        (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
