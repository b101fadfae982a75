namespace LokiShipper.Diagnostics;

/// <summary>Log levels of the shipper's own output.</summary>
internal enum LogLevel
{
    Debug,
    Info,
    Warn,
    Error,
}
