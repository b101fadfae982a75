using LokiShipper.Cli;

var app = new CliApp(Console.OpenStandardOutput(), Console.Error, Environment.GetEnvironmentVariable, TimeProvider.System);
return await app.RunAsync(args);
