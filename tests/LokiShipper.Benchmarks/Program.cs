using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/LokiShipper.Benchmarks -- --filter '*'            (all, a few minutes)
// dotnet run -c Release --project tests/LokiShipper.Benchmarks -- --filter '*' --job short (quicker, less precise)
BenchmarkSwitcher.FromAssembly(typeof(LokiShipper.Benchmarks.StageBenchmarks).Assembly).Run(args);
