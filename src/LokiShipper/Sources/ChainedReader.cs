using LokiShipper.Pipeline;

namespace LokiShipper.Sources;

/// <summary>Several items' readers read one after the other, as one item's (the objects of one SQS message).</summary>
internal sealed class ChainedReader(IReadOnlyList<IRecordReader> readers) : IRecordReader
{
    private int _current;

    public async ValueTask<IReadOnlyList<LogRecord>?> ReadAsync(CancellationToken cancellationToken)
    {
        while (_current < readers.Count)
        {
            if (await readers[_current].ReadAsync(cancellationToken).ConfigureAwait(false) is { } records)
            {
                return records;
            }

            await readers[_current++].DisposeAsync().ConfigureAwait(false);
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        for (; _current < readers.Count; _current++)
        {
            await readers[_current].DisposeAsync().ConfigureAwait(false);
        }
    }
}
