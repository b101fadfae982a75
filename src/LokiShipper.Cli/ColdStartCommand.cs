using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace LokiShipper.Cli;

/// <summary>
/// <c>coldstart</c>: measures process start → first invocation response, the way Lambda sees a cold start. It
/// serves the documented Lambda Runtime API on 127.0.0.1 (one <c>next</c> with the event, then holds the second
/// <c>next</c> open as Lambda does), answers the function's pushes with 204 on the same port, starts the command with
/// <c>AWS_LAMBDA_RUNTIME_API</c> and <c>WRITE_ADDRESS</c> pointing there, and stops the clock at
/// <c>POST /invocation/{id}/response</c>.
/// </summary>
internal sealed class ColdStartCommand
{
    private const string RequestId = "coldstart-1";

    public sealed record Result(IReadOnlyList<double> Milliseconds)
    {
        public double Min => Milliseconds.Min();

        public double Median => Milliseconds.Order().ElementAt(Milliseconds.Count / 2);

        public double Max => Milliseconds.Max();
    }

    public async Task<Result> RunAsync(IReadOnlyList<string> command, byte[] eventJson, int runs, IReadOnlyDictionary<string, string> extraEnvironment, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(command);
        var timings = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            timings.Add(await MeasureOnceAsync(command, eventJson, extraEnvironment, timeout).ConfigureAwait(false));
        }

        return new Result(timings);
    }

    private static async Task<double> MeasureOnceAsync(IReadOnlyList<string> command, byte[] eventJson, IReadOnlyDictionary<string, string> extraEnvironment, TimeSpan timeout)
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        listener.Start();
        var responded = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var served = Serve(listener, eventJson, responded, stop.Token);

        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["AWS_LAMBDA_RUNTIME_API"] = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        start.Environment["WRITE_ADDRESS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/loki/api/v1/push";
        start.Environment["AWS_REGION"] = "eu-west-1";
        foreach (var (name, value) in extraEnvironment)
        {
            start.Environment[name] = value;
        }

        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var done = await Task.WhenAny(responded.Task, Task.Delay(timeout)).ConfigureAwait(false);
            if (done != responded.Task)
            {
                throw new TimeoutException($"no invocation response within {timeout.TotalSeconds} s (exit code {(process.HasExited ? process.ExitCode : "none yet")})");
            }

            return Stopwatch.GetElapsedTime(started, await responded.Task.ConfigureAwait(false)).TotalMilliseconds;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            listener.Stop();
            await served.ConfigureAwait(false);
        }
    }

    private static async Task Serve(HttpListener listener, byte[] eventJson, TaskCompletionSource<long> responded, CancellationToken stop)
    {
        var nextServed = false;
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().WaitAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var path = context.Request.Url!.AbsolutePath;
            if (path.EndsWith("/invocation/next", StringComparison.Ordinal))
            {
                if (nextServed)
                {
                    continue; // the function waits for its next event, as on Lambda, until it is stopped
                }

                nextServed = true;
                context.Response.StatusCode = 200;
                context.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = RequestId;
                context.Response.Headers["Lambda-Runtime-Deadline-Ms"] = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:eu-west-1:123456789012:function:loki-shipper";
                context.Response.Headers["Lambda-Runtime-Trace-Id"] = "Root=1-00000000-000000000000000000000000";
                await context.Response.OutputStream.WriteAsync(eventJson, stop).ConfigureAwait(false);
                context.Response.Close();
                continue;
            }

            var now = Stopwatch.GetTimestamp();
            await context.Request.InputStream.CopyToAsync(Stream.Null, stop).ConfigureAwait(false);
            if (path.EndsWith($"/invocation/{RequestId}/response", StringComparison.Ordinal))
            {
                responded.TrySetResult(now);
                context.Response.StatusCode = 202;
            }
            else if (path.Contains("/error", StringComparison.Ordinal))
            {
                responded.TrySetException(new InvalidOperationException($"the function reported an error at {path}"));
                context.Response.StatusCode = 202;
            }
            else
            {
                context.Response.StatusCode = 204; // a push to Loki
            }

            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
