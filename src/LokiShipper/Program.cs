using LokiShipper;
using LokiShipper.Configuration;
using LokiShipper.Diagnostics;
using LokiShipper.Runtime;

// Entry point on Lambda: read and validate configuration once, then serve invocations from the Runtime API.
var runtimeApi = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API");
if (string.IsNullOrEmpty(runtimeApi))
{
    Console.Error.WriteLine("AWS_LAMBDA_RUNTIME_API is not set: this program runs inside AWS Lambda. "
        + "To run it locally: dotnet run --project src/LokiShipper.Cli -c Release -- invoke events/cloudwatch-logs.json");
    return 2;
}

using var runtimeHttp = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
var runtime = new LambdaRuntimeClient(runtimeHttp, runtimeApi);
var stdout = Console.Out;

LokiShipper.Function.ShipperFunction handler;
try
{
    var options = await Composition.LoadOptionsAsync(Environment.GetEnvironmentVariable, () => new SsmSecretStore(), CancellationToken.None);
    if (options.IsDryRun)
    {
        throw new ConfigurationException("WRITE_ADDRESS must be set on Lambda: the Loki push URL, e.g. https://loki.example.com/loki/api/v1/push");
    }

    var log = new ShipperLog(stdout, options.LogLevel);
    log.Write(LogLevel.Info, "configuration loaded", w =>
    {
        w.WriteString("write_address", options.WriteAddress!.GetLeftPart(UriPartial.Path));
        w.WriteString("auth", options.Credentials.ToString());
        w.WriteString("label_scheme", options.LabelScheme.ToString());
        w.WriteString("push_format", options.PushFormat.ToString());
    });
    Composition.ReportIgnoredSettings(options, log);
    handler = Composition.CreateFunction(options, log, TimeProvider.System);
}
catch (ConfigurationException ex)
{
    var (type, message) = Composition.DescribeError(ex);
    Console.Error.WriteLine(message);
    await runtime.SendInitErrorAsync(type, message, CancellationToken.None);
    return 1;
}

await runtime.RunAsync((payload, context, ct) => handler.HandleAsync(payload, context, ct), Composition.DescribeError, CancellationToken.None);
return 0;
