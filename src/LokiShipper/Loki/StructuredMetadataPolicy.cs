using LokiShipper.Diagnostics;

namespace LokiShipper.Loki;

/// <summary>
/// Whether pushes carry structured metadata, for the life of the process. With <see cref="StructuredMetadataMode.Auto"/>
/// it is sent until Loki refuses it (Loki 3 with <c>allow_structured_metadata: false</c>, which every install
/// upgraded from 2.x runs with; Loki before 2.9 reading JSON); from then on none is sent to that Loki, and the refusal is
/// logged once, with Loki's words and the ways out.
/// </summary>
internal sealed class StructuredMetadataPolicy
{
    private readonly ShipperLog? _log;
    private int _refused;

    public StructuredMetadataPolicy(StructuredMetadataMode mode, ShipperLog? log)
    {
        Mode = mode;
        _log = log;
    }

    public StructuredMetadataMode Mode { get; }

    /// <summary>Send it with the next request.</summary>
    public bool Send => Mode == StructuredMetadataMode.Always || (Mode == StructuredMetadataMode.Auto && Volatile.Read(ref _refused) == 0);

    /// <summary>Entries pushed without their metadata are counted as <c>metadata_dropped</c> (not when the user chose never).</summary>
    public bool CountsDropped => Mode != StructuredMetadataMode.Never;

    /// <summary>Loki refused the metadata: stop sending it, and say so once.</summary>
    public void Refused(string lokiWords)
    {
        if (Interlocked.Exchange(ref _refused, 1) != 0)
        {
            return;
        }

        _log?.Write(LogLevel.Warn, "Loki does not accept structured metadata: entries are sent without it from now on, and counted as metadata_dropped", w =>
        {
            w.WriteString("loki_said", lokiWords.Length <= 500 ? lokiWords : lokiWords[..500] + "…");
            w.WriteString("to_keep_it", "use Loki 3 with schema v13 and limits_config.allow_structured_metadata: true; or set KEEP_STREAM=true to keep the log stream as a label; STRUCTURED_METADATA=never silences this");
        });
    }
}
