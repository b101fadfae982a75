using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace LokiShipper.Tests.Support;

/// <summary>
/// The real Lokis of a test run, shared by the whole test process: flavours <c>2</c> (Loki 2.7.5), <c>3</c>
/// (Loki 3.4.6, new install), <c>3-upgraded</c> (Loki 3.4.6 on schema v12, structured metadata disallowed) and
/// <c>3-auth</c> (flavour 3, multi-tenant). The first request for any of them starts all four at once with
/// ../shared/services/start-loki.sh (a Loki takes ~16 s to become ready); they are stopped with stop-loki.sh when the
/// test process exits.
/// </summary>
/// <remarks>
/// Without the services folder the tests skip, unless <c>LOKISHIPPER_REQUIRE_SERVICES=1</c> (CI), which turns a
/// missing folder or a Loki that does not start into a failure. <c>LOKI_URL</c> with <c>LOKI_FLAVOUR</c> (and
/// <c>LOKI_TENANT</c> for a multi-tenant Loki) points the tests at a Loki you run yourself: only that flavour runs.
/// </remarks>
public static class RealLokis
{
    public const string SkipMessage =
        "real-Loki tests need ../shared/services beside the repository (start-loki.sh), or LOKI_URL=http://… and LOKI_FLAVOUR=2|3|3-upgraded for a Loki you run yourself";

    /// <summary>The tenant the tests use on the multi-tenant flavour.</summary>
    public const string AuthTenant = "lokishipper-tests";

    public static readonly IReadOnlyList<string> Flavours = ["2", "3", "3-upgraded", "3-auth"];

    /// <summary>Every flavour, as the data of a theory that runs once per Loki.</summary>
    public static TheoryData<string> FlavourData()
    {
        var data = new TheoryData<string>();
        foreach (var flavour in Flavours)
        {
            data.Add(flavour);
        }

        return data;
    }

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private static readonly Lazy<string?> Folder = new(FindServicesFolder);
    private static readonly Lazy<IReadOnlyDictionary<string, Task<RealLoki>>> Started = new(StartAll);
    private static readonly ConcurrentBag<(int Pid, string DataDir, Process? Watcher)> Running = [];
    private static readonly object PortLock = new();
    private static readonly HashSet<int> PortsTaken = [];

    /// <summary><c>LOKISHIPPER_REQUIRE_SERVICES=1</c>: a test that would skip for want of a service fails instead.</summary>
    public static bool ServicesRequired => Environment.GetEnvironmentVariable("LOKISHIPPER_REQUIRE_SERVICES") == "1";

    /// <summary>The folder of start-loki.sh, stop-loki.sh and unpack.sh, or null when there is none.</summary>
    public static string? ServicesFolder => Folder.Value;

    /// <summary>The Loki of <paramref name="flavour"/>, started on first use; skips (or fails, see remarks) when there is none.</summary>
    public static async Task<RealLoki> GetAsync(string flavour)
    {
        if (!Flavours.Contains(flavour))
        {
            throw new ArgumentException($"unknown flavour '{flavour}' ({string.Join(", ", Flavours)})", nameof(flavour));
        }

        var external = Environment.GetEnvironmentVariable("LOKI_URL");
        if (!string.IsNullOrEmpty(external))
        {
            return External(flavour, external);
        }

        var folder = ServicesFolderOrSkip(SkipMessage);
        var unsupported = UnsupportedPlatform(folder);
        Fail(unsupported is not null, unsupported!);
        Skip.If(unsupported is not null, unsupported);

        var start = Started.Value[flavour];
        try
        {
            return await start;
        }
        catch (Exception ex) when (!ServicesRequired && ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            Skip.If(true, $"Loki {flavour} did not start: {ex.Message}");
            throw;
        }
    }

    /// <summary>
    /// The services folder; skips with <paramref name="skipMessage"/> when there is none, or fails with it under
    /// <c>LOKISHIPPER_REQUIRE_SERVICES=1</c>.
    /// </summary>
    public static string ServicesFolderOrSkip(string skipMessage)
    {
        var folder = ServicesFolder;
        Fail(folder is null, $"{skipMessage} ({Where()})");
        Skip.If(folder is null, skipMessage);
        return folder!;
    }

    /// <summary>Under <c>LOKISHIPPER_REQUIRE_SERVICES=1</c>, throws with <paramref name="reason"/> when <paramref name="condition"/> holds.</summary>
    public static void Fail(bool condition, string reason)
    {
        if (condition && ServicesRequired)
        {
            throw new InvalidOperationException($"LOKISHIPPER_REQUIRE_SERVICES=1 and {reason}");
        }
    }

    /// <summary>
    /// Runs a program to its end and returns its exit code and output; stdin is closed, so nothing it leaves running
    /// holds the test process's streams.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToEndAsync(
        string file, IEnumerable<string> args, TimeSpan timeout, IEnumerable<KeyValuePair<string, string>>? environment = null, IEnumerable<string>? unset = null)
    {
        var info = new ProcessStartInfo(file, args)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in unset ?? [])
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? [])
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:F0} s: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static RealLoki External(string flavour, string url)
    {
        var named = Environment.GetEnvironmentVariable("LOKI_FLAVOUR");
        if (string.IsNullOrEmpty(named) || !Flavours.Contains(named))
        {
            throw new InvalidOperationException(
                $"LOKI_URL is set, so LOKI_FLAVOUR must say which Loki it is: 2, 3, 3-upgraded or 3-auth (it is '{named}')");
        }

        Skip.If(named != flavour, $"LOKI_URL={url} is flavour {named} (LOKI_FLAVOUR); the flavour {flavour} tests run only against a Loki of that flavour");
        var tenant = Environment.GetEnvironmentVariable("LOKI_TENANT") is { Length: > 0 } t ? t : flavour == "3-auth" ? AuthTenant : null;
        return new RealLoki(flavour, new Uri(url), tenant, $"Loki {flavour} at {url} (LOKI_URL){(tenant is null ? "" : $", tenant {tenant}")}");
    }

    private static string? UnsupportedPlatform(string folder) =>
        OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64
            ? null
            : $"the services in {folder} are Linux x86-64 binaries; this is {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}";

    private static string Where() =>
        Environment.GetEnvironmentVariable("LOKISHIPPER_SERVICES") is { Length: > 0 } set
            ? $"LOKISHIPPER_SERVICES={set} has no start-loki.sh"
            : $"no shared/services/start-loki.sh in any parent folder of {AppContext.BaseDirectory}";

    /// <summary><c>LOKISHIPPER_SERVICES</c>, else the first <c>shared/services</c> with start-loki.sh above the test assembly.</summary>
    private static string? FindServicesFolder()
    {
        if (Environment.GetEnvironmentVariable("LOKISHIPPER_SERVICES") is { Length: > 0 } set)
        {
            return File.Exists(Path.Combine(set, "start-loki.sh")) ? Path.GetFullPath(set) : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var folder = Path.Combine(dir.FullName, "shared", "services");
            if (File.Exists(Path.Combine(folder, "start-loki.sh")))
            {
                return folder;
            }
        }

        return null;
    }

    private static Dictionary<string, Task<RealLoki>> StartAll()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
        return Flavours.ToDictionary(f => f, f => Task.Run(() => StartAsync(f)));
    }

    private static async Task<RealLoki> StartAsync(string flavour)
    {
        var script = Path.Combine(ServicesFolder!, "start-loki.sh");
        var failures = new List<string>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var port = ReservePort();
            string[] args = flavour == "3-auth"
                ? ["3", port.ToString(CultureInfo.InvariantCulture), "--auth"]
                : [flavour, port.ToString(CultureInfo.InvariantCulture)];
            var took = Stopwatch.StartNew();
            var (exitCode, stdout, stderr) = await RunToEndAsync(script, args, StartTimeout);
            var words = stdout.Trim().Split(' ', 2);
            if (exitCode == 0 && words.Length == 2 && int.TryParse(words[0], CultureInfo.InvariantCulture, out var pid))
            {
                Running.Add((pid, words[1], Watch(pid, words[1])));
                var tenant = flavour == "3-auth" ? AuthTenant : null;
                return new RealLoki(
                    flavour,
                    new Uri($"http://127.0.0.1:{port}"),
                    tenant,
                    $"Loki {flavour} on 127.0.0.1:{port} (pid {pid}), ready {took.Elapsed.TotalSeconds:F1} s after start-loki.sh {string.Join(' ', args)}");
            }

            failures.Add($"start-loki.sh {string.Join(' ', args)} exited {exitCode}: {stderr.Trim()}");
        }

        throw new InvalidOperationException(string.Join(Environment.NewLine, failures));
    }

    /// <summary>
    /// A loopback port that is free, with gRPC's port (+1000) free too, and neither handed to another Loki of this
    /// run.
    /// </summary>
    private static int ReservePort()
    {
        lock (PortLock)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = ChildEnvironment.FreePort();
                if (port + 1000 > IPEndPoint.MaxPort || PortsTaken.Contains(port) || PortsTaken.Contains(port + 1000) || !IsFree(port + 1000))
                {
                    continue;
                }

                PortsTaken.Add(port);
                PortsTaken.Add(port + 1000);
                return port;
            }
        }

        throw new InvalidOperationException("found no free loopback port P with P+1000 free too");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// A detached shell that stops the Loki once this process is gone, should it end without ProcessExit (killed,
    /// Ctrl-C). It stops only a process whose command line still names the Loki's data folder.
    /// </summary>
    private static Process? Watch(int pid, string dataDir)
    {
        const string Script = """
            exec </dev/null >/dev/null 2>&1
            trap '' INT HUP
            while kill -0 "$0" 2>/dev/null; do sleep 1; done
            if grep -qaF "$3" "/proc/$2/cmdline" 2>/dev/null; then exec "$1" "$2" "$3"; fi
            """;
        var info = new ProcessStartInfo("/bin/sh", ["-c", Script, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), Path.Combine(ServicesFolder!, "stop-loki.sh"), pid.ToString(CultureInfo.InvariantCulture), dataDir])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            return Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no backstop; ProcessExit still stops it
        }
    }

    /// <summary>
    /// Stops every Loki this process started. Each stop-loki.sh runs detached (its parent shell returns at once), so
    /// the test process exits without waiting for Loki to shut down, and a test host killed right after ProcessExit
    /// does not take the stops with it.
    /// </summary>
    private static void StopAll()
    {
        foreach (var (pid, dataDir, watcher) in Running)
        {
            try
            {
                if (watcher is { HasExited: false })
                {
                    watcher.Kill();
                }

                var info = new ProcessStartInfo("/bin/sh", ["-c", "\"$0\" \"$@\" </dev/null >/dev/null 2>&1 &", Path.Combine(ServicesFolder!, "stop-loki.sh"), pid.ToString(CultureInfo.InvariantCulture), dataDir])
                {
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                using var detach = Process.Start(info);
                detach?.WaitForExit(5000);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // the process is exiting: nothing more can be done here
            }
        }
    }
}
