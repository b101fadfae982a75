using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LokiShipper.Benchmarks;

/// <summary>Adds the columns the issue asks for: MB/s of uncompressed input, ns per event, bytes allocated per event and per input byte.</summary>
public sealed class ShipperBenchmarkConfig : ManualConfig
{
    public ShipperBenchmarkConfig()
    {
        AddColumn(
            new PayloadColumn("MB/s", "decompressed subscription JSON per second", (p, s) => p.InputBytes / 1e6 / (s.ResultStatistics!.Mean / 1e9)),
            new PayloadColumn("ns/event", "mean time per log event", (p, s) => s.ResultStatistics!.Mean / p.Events),
            new PayloadColumn("B/event", "bytes allocated per log event", (p, s) => s.GcStats.GetBytesAllocatedPerOperation(s.BenchmarkCase) is long b ? (double)b / p.Events : double.NaN),
            new PayloadColumn("B/input B", "bytes allocated per byte of decompressed JSON", (p, s) => s.GcStats.GetBytesAllocatedPerOperation(s.BenchmarkCase) is long b ? (double)b / p.InputBytes : double.NaN));
    }

    private sealed class PayloadColumn(string name, string legend, Func<Payload, BenchmarkReport, double> value) : IColumn
    {
        public string Id => "LokiShipper." + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is null || benchmarkCase.Parameters["PayloadName"] is not string payloadName)
            {
                return "-";
            }

            var result = value(Payload.Get(payloadName), report);
            return double.IsNaN(result) ? "-" : result.ToString(result >= 100 ? "N0" : "N2", CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
