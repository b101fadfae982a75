using LokiShipper.Buffers;
using LokiShipper.Pipeline;
using LokiShipper.Sources.S3.Formats;
using LokiShipper.Sources.S3.Reading;

namespace LokiShipper.Sources.S3;

/// <summary>
/// One S3 object's lines, a chunk at a time: opened on the first read, each line stamped with its own timestamp as its
/// format gives it (the object's LastModified when a line has none), headers left out. When the invocation's time runs
/// short it hands the rest on to the continuation queue; a continuation skips the entries delivered before.
/// </summary>
/// <param name="objects">Opens the object.</param>
/// <param name="obj">The object.</param>
/// <param name="options">Formats pinned by prefix, line and chunk sizes.</param>
/// <param name="continuations">Where the rest is handed on to, or null (then the object is read to its end).</param>
/// <param name="entriesDelivered">Entries delivered by earlier invocations (a continuation), skipped here.</param>
internal sealed class S3ObjectReader(IS3Objects objects, S3ObjectRef obj, S3Options options, IContinuationQueue? continuations = null, long entriesDelivered = 0)
    : IRecordReader, IContinuable
{
    private S3ObjectContent? _content;
    private LineSplitter? _lines;
    private CloudTrailRecords? _records;
    private ILineFormat? _format;
    private S3Origin? _origin;
    private long _lastModifiedNs;
    private LineArena? _chunk;
    private long _entriesRead;
    private bool _done;

    public async ValueTask<IReadOnlyList<LogRecord>?> ReadAsync(CancellationToken cancellationToken)
    {
        _chunk?.Dispose(); // the previous chunk's lines have been pushed
        _chunk = null;
        if (_done || (_content is null && !await OpenAsync(cancellationToken).ConfigureAwait(false)))
        {
            return null;
        }

        var chunk = new LineArena();
        _chunk = chunk;
        var lines = chunk.NewLineBuffer(options.ChunkBytes);
        var bytes = 0L;
        var truncated = 0;
        try
        {
            while (bytes < options.ChunkBytes)
            {
                ReadOnlyMemory<byte> line;
                long timestampNs;
                if (_records is not null)
                {
                    if (await _records.NextAsync(cancellationToken).ConfigureAwait(false) is not { } record)
                    {
                        _done = true;
                        break;
                    }

                    (line, timestampNs) = (record.Json, record.HasTimestamp ? record.TimestampNs : _lastModifiedNs);
                }
                else
                {
                    if (!await _lines!.ReadLineAsync(cancellationToken).ConfigureAwait(false))
                    {
                        _done = true;
                        break;
                    }

                    var split = _lines.Current;
                    var kind = _format!.Read(split.Utf8.Span, out timestampNs);
                    if (kind == LineKind.Skip)
                    {
                        continue;
                    }

                    (line, timestampNs) = (split.Utf8, kind == LineKind.Entry ? timestampNs : _lastModifiedNs);
                    truncated += split.Truncated ? 1 : 0;
                }

                if (_entriesRead < entriesDelivered)
                {
                    _entriesRead++; // delivered by an earlier invocation
                    continue;
                }

                // The reader's buffer is reused for the next line: the chunk keeps a copy until it is pushed.
                var (block, offset) = chunk.Reserve(line.Length);
                line.Span.CopyTo(block.AsSpan(offset));
                chunk.Commit(line.Length);
                lines.Add(new LogLine(timestampNs, block.AsMemory(offset, line.Length)));
                bytes += line.Length;
                _entriesRead++;
            }
        }
        catch (S3ObjectReadException ex)
        {
            // Its message names the object (a corrupt gzip stream, a connection cut mid-object): the entries before it are delivered.
            throw new InvalidEventException($"{ex.Message} (after {_entriesRead} entries)", ex);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            throw new InvalidEventException($"{AwsS3Objects.Describe(obj)} could not be read after {_entriesRead} entries: {ex.Message}", ex);
        }

        return lines.Count == 0 ? null : [new LogRecord(_origin!, lines.Segment) { LinesTruncated = truncated }];
    }

    public bool CanHandOn => continuations is not null && _content is not null && !_done;

    public Task HandOnAsync(CancellationToken cancellationToken)
    {
        // Pinned to what was read, so a continuation never mixes an object's old and new content.
        var pinned = obj with { VersionId = _content?.VersionId ?? obj.VersionId, ETag = _content?.ETag ?? obj.ETag };
        return continuations!.SendAsync(new S3Continuation(pinned, _entriesRead), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _chunk?.Dispose();
        _chunk = null;
        _lines?.Dispose();
        if (_content is not null)
        {
            await _content.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Opens the object; false when there is nothing to read in it (a CloudTrail digest).</summary>
    private async Task<bool> OpenAsync(CancellationToken cancellationToken)
    {
        var kind = S3KeyPatterns.Recognise(obj.Bucket, obj.Key, options.Pins);
        if (kind.Format == S3LogFormat.CloudTrailDigest)
        {
            _done = true;
            return false;
        }

        try
        {
            _content = await objects.OpenAsync(obj, cancellationToken).ConfigureAwait(false);
        }
        catch (S3ObjectGoneException ex)
        {
            throw new ItemGoneException("s3_object_gone", ex.Message, ex);
        }
        catch (S3ObjectReadException ex)
        {
            throw new InvalidEventException(ex.Message, ex);
        }

        if (entriesDelivered > 0 && obj.VersionId is null && obj.ETag is not null && !SameETag(obj.ETag, _content.ETag))
        {
            throw new ItemGoneException("s3_object_changed", $"{AwsS3Objects.Describe(obj)} was replaced after {entriesDelivered} of its entries were shipped (ETag {obj.ETag}, now {_content.ETag}): the rest of the old content is gone");
        }

        _origin = new S3Origin(kind, obj.Bucket, obj.Key, obj.Region);
        _lastModifiedNs = (_content.LastModified - DateTimeOffset.UnixEpoch).Ticks * 100;
        if (LineFormats.IsLineBased(kind.Format))
        {
            _lines = new LineSplitter(_content.Content, options.MaxLineSize);
            _format = LineFormats.Create(kind.Format);
        }
        else
        {
            _records = new CloudTrailRecords(_content.Content);
        }

        return true;
    }

    // S3 quotes ETags in some answers and not in others.
    private static bool SameETag(string expected, string? actual) =>
        actual is not null && expected.Trim('"') == actual.Trim('"');
}
