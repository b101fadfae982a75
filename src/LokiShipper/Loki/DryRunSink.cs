using LokiShipper.Loki.Encoders;

namespace LokiShipper.Loki;

/// <summary>
/// Local invoke without Loki: writes each push request it would send as one line of Loki JSON (structured metadata
/// included unless <c>STRUCTURED_METADATA=never</c>) to <c>output</c>, and counts every entry as pushed.
/// </summary>
internal sealed class DryRunSink : ILokiSink
{
    private readonly JsonPushEncoder _encoder = new(gzip: false);
    private readonly Stream _output;
    private readonly bool _includeMetadata;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public DryRunSink(Stream output, bool includeMetadata = true)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _includeMetadata = includeMetadata;
    }

    public async Task<PushResult> PushAsync(PushBatch batch, DateTimeOffset giveUpAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var encoded = _encoder.Encode(batch, _includeMetadata);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _output.WriteAsync(encoded.Memory, cancellationToken).ConfigureAwait(false);
            _output.WriteByte((byte)'\n');
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }

        return PushResult.AllStored(batch.EntryCount, encoded.Length);
    }
}
