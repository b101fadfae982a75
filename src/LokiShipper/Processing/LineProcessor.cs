using LokiShipper.Labels;
using LokiShipper.Loki;
using LokiShipper.Pipeline;
using LokiShipper.Processing.FireLens;
using LokiShipper.Processing.Lambda;
using LokiShipper.Processing.Multiline;
using LokiShipper.Processing.Redaction;

namespace LokiShipper.Processing;

/// <summary>
/// The line stage, for every source alike: a record's continuation lines joined (multiline), then for each line:
/// FireLens records unwrapped → Lambda lines
/// understood (level and request id as metadata; platform lines dropped when asked) → include/exclude filter →
/// redaction (JSON keys, built-in rules, user patterns) → cut to <c>MAX_LINE_SIZE</c>. Nothing leaves the function
/// unredacted, dry runs included. Lines dropped on purpose are counted by reason (<c>platform</c>, <c>excluded</c>,
/// <c>not_included</c>).
/// </summary>
internal sealed class LineProcessor : ILineProcessor
{
    public const string Platform = "platform";

    private static readonly byte[][] LevelValues = [.. ((string[])["info", "error", "warn", "debug", "trace", "fatal", "critical"]).Select(System.Text.Encoding.UTF8.GetBytes)];

    private readonly ProcessingOptions _options;
    private readonly LineFilter? _filter;
    private readonly MultilineJoiner? _joiner;
    private readonly Redactor? _redactor;

    private LineProcessor(ProcessingOptions options)
    {
        _options = options;
        _joiner = MultilineJoiner.Create(options.Multiline);
        _redactor = Redactor.Create(options.Redaction);
        _filter = options.Include is null && options.Exclude is null ? null : new LineFilter(options.Include, options.Exclude);
    }

    /// <summary>The processor for <paramref name="options"/>, or null when there is nothing to do.</summary>
    public static LineProcessor? Create(ProcessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.IsOff ? null : new LineProcessor(options);
    }

    public void Map(ArraySegment<LogLine> lines, LabelSet labels, IReadOnlyList<KeyValuePair<string, string>> metadata, int item, Batcher batcher, LineCounts counts)
    {
        ArgumentNullException.ThrowIfNull(batcher);
        ArgumentNullException.ThrowIfNull(counts);
        if (_joiner is not null)
        {
            lines = _joiner.Join(lines, out var joined);
            counts.Joined += joined;
        }

        var scratch = t_scratch ??= new RecordScratch();
        var entryMetadata = scratch.Metadata;
        entryMetadata.Begin(metadata);
        var fields = scratch.Fields;
        Array.Clear(fields);
        var fireLens = scratch.FireLens;
        var understandLambda = _options.LambdaMetadata || _options.DropPlatformLines;
        var fireLensFieldsSet = false;
        foreach (var line in lines.AsSpan())
        {
            var text = line.Utf8;
            var fieldCount = 0;
            if (_options.FireLensUnwrap && FireLensRecord.TryUnwrap(text, out var log, fireLens))
            {
                text = log;
                for (var i = 0; i < fireLens.Length; i++)
                {
                    fields[2 + i] = (FireLensRecord.MetadataNames[i], fireLens[i]);
                }

                fieldCount = fields.Length;
                fireLensFieldsSet = true;
            }
            else if (fireLensFieldsSet)
            {
                fields.AsSpan(2).Clear();
                fireLensFieldsSet = false;
            }

            if (understandLambda)
            {
                var lambda = LambdaLines.Read(text.Span);
                if (lambda.IsPlatform && _options.DropPlatformLines)
                {
                    counts.Drop(Platform, 1);
                    continue;
                }

                if (_options.LambdaMetadata && !lambda.IsUnknown)
                {
                    fields[0] = ("level", LevelBytes(lambda.Level));
                    fields[1] = ("request_id", text.Span.Overlaps(lambda.RequestId, out var offset) ? text.Slice(offset, lambda.RequestId.Length) : default);
                    fieldCount = fields.Length;
                }
                else
                {
                    fields[0] = default;
                    fields[1] = default;
                }
            }

            if (_filter?.DropReason(text.Span) is { } reason)
            {
                counts.Drop(reason, 1);
                continue;
            }

            if (_redactor is not null)
            {
                text = _redactor.Redact(text, out var redacted);
                counts.Redacted += redacted ? 1 : 0;
            }

            var cut = LineTruncation.Truncate(text, _options.MaxLineSize, out var truncated);
            counts.Truncated += truncated ? 1 : 0;
            var entry = fieldCount == 0 ? entryMetadata.For([]) : entryMetadata.For(fields);
            batcher.Add(labels, new LokiEntry(line.TimestampNs, cut, entry), item);
        }
    }

    /// <summary>
    /// The per-record working space, kept per thread rather than made per record (a Kinesis event holds 5,000
    /// records: 2.8 MB an invocation). <see cref="Map"/> does not await, so a record never changes threads halfway.
    /// </summary>
    [ThreadStatic]
    private static RecordScratch? t_scratch;

    private static ReadOnlyMemory<byte> LevelBytes(string? level) => level switch
    {
        "info" => LevelValues[0],
        "error" => LevelValues[1],
        "warn" => LevelValues[2],
        "debug" => LevelValues[3],
        "trace" => LevelValues[4],
        "fatal" => LevelValues[5],
        "critical" => LevelValues[6],
        _ => default,
    };
}
