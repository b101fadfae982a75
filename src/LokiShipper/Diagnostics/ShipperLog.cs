using System.Text.Encodings.Web;
using System.Text.Json;

namespace LokiShipper.Diagnostics;

/// <summary>
/// The shipper's own log: one JSON object per line (CloudWatch Logs and Logs Insights parse it). Thread-safe.
/// Callers pass messages that never contain secrets; configuration objects redact credentials in ToString.
/// </summary>
internal sealed class ShipperLog
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly TextWriter _output;
    private readonly LogLevel _minimum;
    private readonly Lock _lock = new();

    public ShipperLog(TextWriter output, LogLevel minimum)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _minimum = minimum;
    }

    public bool IsEnabled(LogLevel level) => level >= _minimum;

    public void Write(LogLevel level, string message, Action<Utf8JsonWriter>? fields = null)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        WriteObject(writer =>
        {
            writer.WriteString("level", level.ToString().ToLowerInvariant());
            writer.WriteString("msg", message);
            fields?.Invoke(writer);
        });
    }

    /// <summary>Writes one JSON object built by <paramref name="body"/> as one line, whatever the level.</summary>
    public void WriteObject(Action<Utf8JsonWriter> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        var line = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (_lock)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }
}
