namespace LokiShipper.Tests.Local;

/// <summary>A template variable of a Grafana dashboard.</summary>
/// <param name="Name">What queries refer to (<c>$name</c>).</param>
/// <param name="Type"><c>query</c>, <c>textbox</c>, <c>custom</c>, …</param>
/// <param name="MultiValue">Whether it may hold several values (multi-value or include All): Grafana joins them with <c>|</c>.</param>
/// <param name="AllValue">The custom value of "All", or null.</param>
internal sealed record DashboardVariable(string Name, string Type, bool MultiValue, string? AllValue);
