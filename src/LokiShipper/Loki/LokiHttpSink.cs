using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Reflection;
using LokiShipper.Diagnostics;
using LokiShipper.Loki.Encoders;
using LokiShipper.Loki.Rejections;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LokiShipper.Loki;

/// <summary>
/// Pushes batches to Loki over HTTP with retries (Polly.Core): 429, 5xx, network errors and per-attempt timeouts are
/// retried with exponential backoff and jitter, honouring <c>Retry-After</c>; the whole budget ends at
/// <c>giveUpAt</c>, before the Lambda deadline. A validation 400 is partial acceptance: the refused entries are not
/// resent, and what the body leaves open is found out (<see cref="PartialAcceptance"/>). Other 4xx fail at once.
/// One instance (and one pooled <see cref="HttpClient"/>) lives as long as the container.
/// </summary>
internal sealed class LokiHttpSink : ILokiSink
{
    private const int ExcerptBytes = 1024;
    // Loki 3 writes one group per distinct message: 3,500 entries in distinct seconds make ~600 KB. A body cut short
    // only makes the counts disagree, which is then found out by verification pushes.
    private const int RejectionBodyBytes = 1024 * 1024;
    private static readonly ResiliencePropertyKey<AttemptState> StateKey = new("LokiShipper.Push.State");

    private readonly HttpClient _client;
    private readonly IPushEncoder _encoder;
    private readonly LokiOptions _options;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly StructuredMetadataPolicy _metadata;

    /// <param name="options">The push settings.</param>
    /// <param name="handler">The HTTP handler (pooled connections, TLS settings).</param>
    /// <param name="encoder">Protobuf or JSON.</param>
    /// <param name="time">The clock for retries and the budget.</param>
    /// <param name="log">Where the one warning about refused structured metadata goes.</param>
    public LokiHttpSink(LokiOptions options, HttpMessageHandler handler, IPushEncoder encoder, TimeProvider time, ShipperLog? log = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));

        _encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _authorization = options.Credentials.ToAuthorizationHeader();
        _metadata = new StructuredMetadataPolicy(options.StructuredMetadata, log);
        _client = new HttpClient(handler ?? throw new ArgumentNullException(nameof(handler)), disposeHandler: false)
        {
            // Per-attempt timeouts and the overall budget are Polly's job, driven by the injected TimeProvider.
            Timeout = Timeout.InfiniteTimeSpan,
        };

        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = int.MaxValue, // bounded by the budget, not by a count
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldHandle = ShouldRetryAsync,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args =>
                {
                    var state = args.Context.Properties.GetValue(StateKey, null!);
                    var left = state.GiveUpAt - _time.GetUtcNow();
                    var timeout = left < _options.AttemptTimeout ? left : _options.AttemptTimeout;
                    return ValueTask.FromResult(timeout > TimeSpan.FromMilliseconds(1) ? timeout : TimeSpan.FromMilliseconds(1));
                },
            })
            .Build();
    }

    public static string Version { get; } =
        typeof(LokiHttpSink).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary><c>LokiShipper/&lt;version&gt;</c>; declared after <see cref="Version"/>, which it needs initialised.</summary>
    public static string UserAgent { get; } = "LokiShipper/" + Version;

    /// <summary>The production handler: pooled connections, TLS verification on unless <c>SKIP_TLS_VERIFY=true</c>.</summary>
    public static SocketsHttpHandler CreateHandler(LokiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            MaxConnectionsPerServer = Math.Max(options.MaxConnections, 2),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        if (options.SkipTlsVerify)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true };
        }

        return handler;
    }

    public async Task<PushResult> PushAsync(PushBatch batch, DateTimeOffset giveUpAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var tally = new PushTally();
        try
        {
            if (batch.Streams.Count > 1 && HasEntryOlderThan(batch, _time.GetUtcNow(), RejectionAnalyzer.OutOfOrderHorizonNs))
            {
                // Loki's ingester reports the outcome of a request's last stream only: a refusal as too far behind in
                // another stream would pass unseen, even behind a 204. Entries old enough for that go one stream per request.
                foreach (var stream in batch.Streams)
                {
                    await ShipAsync(PushBatch.Of(batch.Index, [stream]), _metadata.Send, giveUpAt, tally, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                await ShipAsync(batch, _metadata.Send, giveUpAt, tally, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (PushFailedException ex)
        {
            // What every request of this batch cost, not only the one that failed.
            throw new PushFailedException(ex.Message, tally.Retries, tally.BytesSent, ex.InnerException) { TooLarge = ex.TooLarge };
        }

        return tally.ToResult();
    }

    /// <summary>Pushes a batch and settles where each entry ended, finding out what a 400 leaves open.</summary>
    private async Task ShipAsync(PushBatch batch, bool withMetadata, DateTimeOffset giveUpAt, PushTally tally, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(batch, withMetadata, giveUpAt, tally, cancellationToken).ConfigureAwait(false);
        var body = answer.Stored ? null : LokiRejectionParser.Parse(answer.Body);
        if (body is { IsValidation: false })
        {
            if (!withMetadata || _metadata.Mode != StructuredMetadataMode.Auto || _encoder is not JsonPushEncoder || !HasMetadata(batch))
            {
                throw new PushFailedException($"batch {batch.Index}: Loki refused the whole request with 400 (not a per-entry validation error, so nothing was stored): {Excerpt(answer.Body)}");
            }

            // Loki before 2.9 cannot read a third element in JSON values, and refuses the whole request for it.
            var refusal = answer.Body;
            answer = await SendAsync(batch, withMetadata: false, giveUpAt, tally, cancellationToken).ConfigureAwait(false);
            body = answer.Stored ? null : LokiRejectionParser.Parse(answer.Body);
            if (body is { IsValidation: false })
            {
                throw new PushFailedException($"batch {batch.Index}: Loki refused the whole request with 400, with and without structured metadata (not a per-entry validation error, so nothing was stored): {Excerpt(refusal)}");
            }

            _metadata.Refused(FirstLine(refusal));
            withMetadata = false;
        }

        var withheld = !withMetadata && _metadata.CountsDropped;
        if (body is null)
        {
            foreach (var stream in batch.Streams)
            {
                foreach (var entry in stream.Entries)
                {
                    tally.Stored(entry, withheld);
                }
            }

            return;
        }

        await SettleAsync(batch, answer, body, withMetadata, giveUpAt, tally, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Settles each entry of a request Loki answered with a validation 400; entries refused for their structured metadata go again without it (auto).</summary>
    private async Task SettleAsync(PushBatch batch, PushAnswer answer, RejectionBody body, bool withMetadata, DateTimeOffset giveUpAt, PushTally tally, CancellationToken cancellationToken)
    {
        var withheld = !withMetadata && _metadata.CountsDropped;
        var ledger = await PartialAcceptance.ResolveAsync(
            batch,
            body,
            answer,
            withMetadata,
            part => SendAsync(part, withMetadata, giveUpAt, tally, cancellationToken),
            _time,
            giveUpAt).ConfigureAwait(false);
        tally.VerificationPushes += ledger.VerificationPushes;

        var offsets = BatchSelection.Offsets(batch);
        var resend = new List<int>();
        for (var e = 0; e < ledger.Count; e++)
        {
            switch (ledger.FateOf(e))
            {
                case EntryFate.Stored:
                    tally.Stored(BatchSelection.Entry(batch, offsets, e), withheld);
                    break;
                case EntryFate.Refused when ledger.ReasonOf(e) == "structured_metadata" && _metadata.Mode == StructuredMetadataMode.Auto:
                    resend.Add(e);
                    break;
                default:
                    tally.Refused(ledger.ReasonOf(e)!);
                    break;
            }
        }

        if (resend.Count > 0)
        {
            // This Loki does not allow structured metadata: the entries go again without it, and no more is sent.
            _metadata.Refused(body.Findings.FirstOrDefault(f => f.Kind == RejectionKind.StructuredMetadata)?.Text ?? body.FirstError);
            await ShipAsync(BatchSelection.Select(batch, resend), withMetadata: false, giveUpAt, tally, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool HasEntryOlderThan(PushBatch batch, DateTimeOffset now, long ageNs)
    {
        var limit = ((now - DateTimeOffset.UnixEpoch).Ticks * 100) - ageNs;
        return batch.Streams.Any(s => s.Entries.Any(e => e.TimestampNs < limit));
    }

    private static bool HasMetadata(PushBatch batch) => batch.Streams.Any(s => s.Entries.Any(e => !e.Metadata.IsEmpty));

    /// <summary>
    /// One request, retried within the budget: Loki's answer when it is 2xx or 400, else <see cref="PushFailedException"/>.
    /// Its attempts and bytes are added to <paramref name="tally"/> whatever the outcome.
    /// </summary>
    private async Task<PushAnswer> SendAsync(PushBatch batch, bool withMetadata, DateTimeOffset giveUpAt, PushTally tally, CancellationToken cancellationToken)
    {
        using var encoded = _encoder.Encode(batch, withMetadata);
        var state = new AttemptState(giveUpAt);
        var left = giveUpAt - _time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            throw new PushFailedException($"batch {batch.Index}: no time left before the Lambda deadline to push {batch.EntryCount} entries", 0, 0);
        }

        using var budget = new CancellationTokenSource(left, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
        var context = ResilienceContextPool.Shared.Get(linked.Token);
        context.Properties.Set(StateKey, state);
        try
        {
            using var response = await _pipeline.ExecuteAsync(
                static async (ctx, arg) =>
                {
                    var (sink, body, attemptState) = arg;
                    using var request = sink.CreateRequest(body);
                    attemptState.Attempts++;
                    attemptState.BytesSent += body.Length;
                    attemptState.LastSentAt = sink._time.GetUtcNow();
                    return await sink._client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (this, encoded, state)).ConfigureAwait(false);

            return await InterpretAsync(response, batch, encoded, state, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new PushFailedException(
                $"batch {batch.Index}: gave up after {state.Attempts} attempts because the retry budget, which ends before the Lambda deadline, ran out; last failure: {state.LastFailure ?? "none"}",
                state.Retries,
                state.BytesSent,
                ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or IOException)
        {
            throw new PushFailedException(
                $"batch {batch.Index}: gave up after {state.Attempts} attempts; last failure: {Describe(ex)}",
                state.Retries,
                state.BytesSent,
                ex);
        }
        finally
        {
            tally.BytesSent += state.BytesSent;
            tally.Retries += state.Retries;
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private HttpRequestMessage CreateRequest(EncodedRequest body)
    {
        var content = new ReadOnlyMemoryContent(body.Memory);
        content.Headers.ContentType = new MediaTypeHeaderValue(body.ContentType);
        if (body.ContentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(body.ContentEncoding);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, _options.WriteAddress) { Content = content, Version = HttpVersion.Version11 };
        request.Headers.UserAgent.ParseAdd(UserAgent);
        request.Headers.Authorization = _authorization;
        if (_options.TenantId is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Scope-OrgID", _options.TenantId);
        }

        return request;
    }

    private async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args)
    {
        var state = args.Context.Properties.GetValue(StateKey, null!);
        if (args.Context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (args.Outcome.Exception is { } ex)
        {
            if (ex is HttpRequestException or TimeoutRejectedException or IOException)
            {
                state.LastFailure = Describe(ex);
                return true;
            }

            return false;
        }

        var response = args.Outcome.Result!;
        var status = (int)response.StatusCode;
        if (status != 429 && status < 500)
        {
            return false;
        }

        var excerpt = await ReadBodyAsync(response, ExcerptBytes, args.Context.CancellationToken).ConfigureAwait(false);
        state.LastFailure = $"HTTP {status}: {excerpt}";
        if (IsSizeRefusal(excerpt))
        {
            // The distributor's gRPC limit towards the ingesters (~4 MiB): retrying the same body cannot succeed.
            state.TooLarge = true;
            return false;
        }

        var retryAfter = RetryAfter(response);
        var left = state.GiveUpAt - _time.GetUtcNow();
        if (retryAfter is { } wait && wait > left)
        {
            state.GaveUp = string.Create(
                CultureInfo.InvariantCulture,
                $"Loki answered {status} with Retry-After {wait.TotalSeconds:0.###}s, beyond the {Math.Max(0, left.TotalSeconds):0.###}s left before the Lambda deadline; {excerpt}");
            return false;
        }

        return true;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static bool IsSizeRefusal(string body) =>
        body.Contains("ResourceExhausted", StringComparison.Ordinal)
        || body.Contains("larger than max", StringComparison.OrdinalIgnoreCase);

    private async Task<PushAnswer> InterpretAsync(HttpResponseMessage response, PushBatch batch, EncodedRequest encoded, AttemptState state, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var sentAtNs = (state.LastSentAt - DateTimeOffset.UnixEpoch).Ticks * 100;
        if (status is >= 200 and < 300)
        {
            return new PushAnswer(true, string.Empty, sentAtNs);
        }

        if (status == 400)
        {
            return new PushAnswer(false, await ReadBodyAsync(response, RejectionBodyBytes, cancellationToken).ConfigureAwait(false), sentAtNs);
        }

        if (status == 413 || state.TooLarge)
        {
            var why = state.TooLarge ? state.LastFailure : $"HTTP 413: {await ReadBodyAsync(response, ExcerptBytes, cancellationToken).ConfigureAwait(false)}";
            throw new PushFailedException(
                $"batch {batch.Index}: Loki refused {batch.EntryCount} entries ({encoded.Length} bytes) as too large: {why}",
                state.Retries,
                state.BytesSent) { TooLarge = true };
        }

        if (state.GaveUp is { } gaveUp)
        {
            throw new PushFailedException($"batch {batch.Index}: {gaveUp}", state.Retries, state.BytesSent);
        }

        var text = await ReadBodyAsync(response, ExcerptBytes, cancellationToken).ConfigureAwait(false);
        throw new PushFailedException(
            $"batch {batch.Index}: Loki answered {status} {response.ReasonPhrase}, which retrying cannot fix: {text}",
            state.Retries,
            state.BytesSent);
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var body = new MemoryStream();
                var buffer = new byte[Math.Min(maxBytes, 16 * 1024)];
                int n;
                while (body.Length < maxBytes && (n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, maxBytes - body.Length)), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    body.Write(buffer, 0, n);
                }

                return System.Text.Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length).Trim();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return $"(body unreadable: {ex.Message})";
        }
    }

    private static string Excerpt(string body) => body.Length <= ExcerptBytes ? body : body[..ExcerptBytes] + "…";

    private static string FirstLine(string body)
    {
        var end = body.IndexOf('\n', StringComparison.Ordinal);
        return Excerpt(end < 0 ? body : body[..end]);
    }

    private static string Describe(Exception ex) => ex switch
    {
        TimeoutRejectedException t => $"no answer within {t.Timeout.TotalSeconds:0.###}s",
        HttpRequestException { InnerException: { } inner } h => $"{h.Message} ({inner.Message})",
        _ => ex.Message,
    };

    private sealed class AttemptState(DateTimeOffset giveUpAt)
    {
        public DateTimeOffset GiveUpAt { get; } = giveUpAt;
        public int Attempts { get; set; }

        /// <summary>Attempts after the first (a retry scheduled but cut off by the budget does not count).</summary>
        public int Retries => Math.Max(0, Attempts - 1);
        public long BytesSent { get; set; }
        public string? LastFailure { get; set; }
        public string? GaveUp { get; set; }
        public bool TooLarge { get; set; }

        /// <summary>When the last attempt was sent: the moment Loki's answer (and the limits it applied) refers to.</summary>
        public DateTimeOffset LastSentAt { get; set; }
    }
}
