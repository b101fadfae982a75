namespace LokiShipper.Tests.Local;

/// <summary>One query of one panel of a Grafana dashboard.</summary>
/// <param name="Panel">The panel's title.</param>
/// <param name="PanelType"><c>timeseries</c>, <c>stat</c>, <c>logs</c>, …</param>
/// <param name="RefId">The query's id within the panel (A, B, …).</param>
/// <param name="Expr">The LogQL, variables not yet replaced.</param>
/// <param name="Instant">Whether Grafana runs it as an instant query (<c>queryType: instant</c>) rather than over the time range.</param>
internal sealed record DashboardPanelQuery(string Panel, string PanelType, string RefId, string Expr, bool Instant);
