using System.Diagnostics;
using System.Net;
using System.Text;

namespace LokiShipper.Tests.Support;

/// <summary>
/// The published function under the real AWS Lambda Runtime Interface Emulator 1.24 (../shared/services), as
/// <c>sam local invoke</c> runs it: the emulator starts a <c>bootstrap</c> that does what the managed
/// <c>dotnet10</c> runtime does for the handler <c>LokiShipper</c>, and serves invocations on
/// <c>POST /2015-03-31/functions/function/invocations</c>.
/// </summary>
public sealed class LambdaEmulator : IAsyncDisposable
{
    public const string Rie = "aws-lambda-rie-1.24";
    public const string Handler = "LokiShipper";

    public const string SkipMessage =
        "the Lambda emulator tests need ../shared/services beside the repository (unpack.sh and bin/aws-lambda-rie-1.24.gz)";

    /// <summary>What the managed runtime does for an executable assembly: <c>dotnet exec</c> the handler's .dll, else the native executable.</summary>
    private const string BootstrapScript = """
        #!/bin/sh
        # What Lambda's managed dotnet10 runtime does for an executable-assembly handler. The emulator passes the
        # handler as the first argument and sets _HANDLER.
        handler="${_HANDLER:-$1}"
        if [ -f "$LAMBDA_TASK_ROOT/$handler.dll" ]; then
          exec dotnet exec "$LAMBDA_TASK_ROOT/$handler.dll"
        fi
        exec "$LAMBDA_TASK_ROOT/$handler"

        """;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(90) };
    private static readonly string Scratch = Path.Combine(Path.GetTempPath(), $"lokishipper-rie-{Guid.NewGuid():N}");
    private static readonly Lazy<Task<string>> Executable = new(() => Task.Run(UnpackAsync));
    private static readonly Lazy<Task<Published>> Publish = new(() => Task.Run(PublishAsync));

    private readonly Process _process;
    private readonly StringBuilder _output;

    private LambdaEmulator(Process process, StringBuilder output, Uri invocations)
    {
        _process = process;
        _output = output;
        Invocations = invocations;
    }

    /// <summary>The emulator's invoke URL.</summary>
    public Uri Invocations { get; }

    /// <summary>What the emulator and the function wrote so far (stdout and stderr, interleaved).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// <see cref="Output"/> once <paramref name="text"/> appears in it <paramref name="times"/> times, or after 10 s (the
    /// emulator's output is read in the background, so a line written before an answer may arrive just after it).
    /// </summary>
    public async Task<string> OutputOnceAsync(string text, int times = 1)
    {
        var waited = Stopwatch.StartNew();
        while (CountOf(Output, text) < times && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20); // waiting for a pipe to be read, bounded; no timing is asserted
        }

        return Output;
    }

    /// <summary>How many times <paramref name="text"/> occurs in <paramref name="output"/>.</summary>
    public static int CountOf(string output, string text)
    {
        var count = 0;
        for (var at = output.IndexOf(text, StringComparison.Ordinal); at >= 0; at = output.IndexOf(text, at + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// <c>dotnet publish src/LokiShipper -c Release -r linux-x64 --self-contained false</c>, once per test run, into
    /// a folder of its own (its own obj/ and bin/ through <c>--artifacts-path</c>, so the build the tests run from is
    /// not touched). Skips (or fails, under <c>LOKISHIPPER_REQUIRE_SERVICES=1</c>) without the emulator.
    /// </summary>
    public static async Task<Published> PublishedAsync()
    {
        await ExecutableAsync();
        return await Publish.Value;
    }

    /// <summary>The emulator's executable, unpacked by unpack.sh; skips (or fails) when the services folder is absent.</summary>
    public static async Task<string> ExecutableAsync()
    {
        RealLokis.ServicesFolderOrSkip(SkipMessage);
        var notLinux = !OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64;
        RealLokis.Fail(notLinux, "the emulator in ../shared/services is a Linux x86-64 binary");
        Skip.If(notLinux, "the emulator in ../shared/services is a Linux x86-64 binary");
        return await Executable.Value;
    }

    /// <summary>
    /// Starts the emulator on two free loopback ports with the published function, <c>AWS_LAMBDA_FUNCTION_TIMEOUT=30</c>,
    /// <c>AWS_REGION=eu-west-1</c> and <paramref name="environment"/>; returns once it accepts invocations. The
    /// function itself starts on the first invocation, as in <c>sam local invoke</c>.
    /// </summary>
    public static async Task<LambdaEmulator> StartAsync(params (string Name, string Value)[] environment)
    {
        var executable = await ExecutableAsync();
        var published = await PublishedAsync();
        var port = ChildEnvironment.FreePort();
        var apiPort = ChildEnvironment.FreePort();
        while (apiPort == port)
        {
            apiPort = ChildEnvironment.FreePort();
        }

        var info = new ProcessStartInfo(executable, [
            "--runtime-interface-emulator-address", $"127.0.0.1:{port}",
            "--runtime-api-address", $"127.0.0.1:{apiPort}",
            published.Bootstrap, Handler])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = published.TaskRoot,
        };
        ChildEnvironment.Isolate(info, [
            new("LAMBDA_TASK_ROOT", published.TaskRoot),
            new("AWS_LAMBDA_FUNCTION_TIMEOUT", "30"),
            new("AWS_REGION", "eu-west-1"),
            .. environment.Select(e => new KeyValuePair<string, string>(e.Name, e.Value)),
        ]);
        info.Environment.Remove("LOG_LEVEL"); // read by the emulator and by the function alike

        var output = new StringBuilder();
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        process.StandardInput.Close();
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var emulator = new LambdaEmulator(process, output, new Uri($"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations"));
        try
        {
            await ChildEnvironment.WaitUntilListeningAsync(process, port, TimeSpan.FromSeconds(10), () => $"the emulator ({emulator.Output})");
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }

        return emulator;
    }

    /// <summary>One synchronous invocation: the emulator's HTTP status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> InvokeAsync(byte[] payload)
    {
        using var content = new ByteArrayContent(payload);
        using var response = await Http.PostAsync(Invocations, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static async Task<string> UnpackAsync()
    {
        var (exitCode, stdout, stderr) = await RealLokis.RunToEndAsync(Path.Combine(RealLokis.ServicesFolder!, "unpack.sh"), [Rie], TimeSpan.FromMinutes(1));
        return exitCode == 0 && File.Exists(stdout.Trim())
            ? stdout.Trim()
            : throw new InvalidOperationException($"unpack.sh {Rie} exited {exitCode}: {stderr.Trim()}");
    }

    private static async Task<Published> PublishAsync()
    {
        var root = RepositoryRoot();
        var output = Path.Combine(Scratch, "task");
        Directory.CreateDirectory(Scratch);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(Scratch, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        };

        // What `sam build` runs for the managed runtime (`dotnet lambda package` → dotnet publish with a runtime
        // identifier, which switches ReadyToRun on in the csproj), with obj/ and bin/ of its own.
        var took = Stopwatch.StartNew();
        var (exitCode, stdout, stderr) = await RealLokis.RunToEndAsync(
            "dotnet",
            [
                "publish", Path.Combine(root, "src", "LokiShipper", "LokiShipper.csproj"),
                "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
                "-o", output, "--artifacts-path", Path.Combine(Scratch, "artifacts"),
                "--disable-build-servers", "-nologo",
            ],
            TimeSpan.FromMinutes(10),
            [new("DOTNET_CLI_TELEMETRY_OPTOUT", "1"), new("DOTNET_NOLOGO", "1")],
            InheritedBuildVariables());
        if (exitCode != 0 || !File.Exists(Path.Combine(output, Handler + ".dll")))
        {
            throw new InvalidOperationException($"dotnet publish src/LokiShipper exited {exitCode}:{Environment.NewLine}{stdout}{stderr}");
        }

        var bootstrap = Path.Combine(Scratch, "bootstrap");
        await File.WriteAllTextAsync(bootstrap, BootstrapScript.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(bootstrap, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        }

        return new Published(output, bootstrap, took.Elapsed);
    }

    /// <summary>MSBuild settings the test host may have inherited from <c>dotnet test</c>; a separate publish must not use them.</summary>
    private static List<string> InheritedBuildVariables() =>
        Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("MSBUILD", StringComparison.Ordinal))
            .ToList();

    /// <summary>The folder of LokiShipper.sln above the test assembly.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LokiShipper.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no LokiShipper.sln in any parent folder of {AppContext.BaseDirectory}");
    }

    /// <summary>The published function (<c>LAMBDA_TASK_ROOT</c>), its bootstrap, and how long the publish took.</summary>
    public sealed record Published(string TaskRoot, string Bootstrap, TimeSpan PublishTime);
}
