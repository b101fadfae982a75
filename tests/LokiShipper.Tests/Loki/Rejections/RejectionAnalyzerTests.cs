using LokiShipper.Loki.Rejections;
using LokiShipper.Tests.Support;

namespace LokiShipper.Tests.Loki.Rejections;

/// <summary>
/// What a 400 from a real Loki tells about each entry. The requests and answers are captured from Loki 2.7.5, 3.4.6 and
/// 3.4.6 upgraded from 2.x, with what each then held (TestData/loki-400).
/// </summary>
public class RejectionAnalyzerTests
{
    public static TheoryData<string> Captured()
    {
        var data = new TheoryData<string>();
        foreach (var file in CapturedPush.Files())
        {
            data.Add(file);
        }

        return data;
    }

    private static RejectionAnalysis Analyze(CapturedPush push) =>
        RejectionAnalyzer.Analyze(push.Batch, LokiRejectionParser.Parse(push.Body), push.PushedAtNs, push.SentMetadata);

    [Theory]
    [MemberData(nameof(Captured))]
    public void Never_says_stored_what_loki_refused_nor_refused_what_it_stored(string file)
    {
        var push = CapturedPush.Load(file);
        var body = LokiRejectionParser.Parse(push.Body);
        if (push.Status != 400 || !body.IsValidation)
        {
            return; // answers without per-entry refusals: see the tests below
        }

        var analysis = Analyze(push);

        for (var e = 0; e < push.Stored.Count; e++)
        {
            switch (analysis.Verdicts[e])
            {
                case EntryVerdict.Stored:
                    Assert.True(push.Stored[e], $"entry {e} said stored, but Loki does not hold it");
                    break;
                case EntryVerdict.Refused:
                    Assert.False(push.Stored[e], $"entry {e} said refused ({analysis.Reasons[e]}), but Loki holds it");
                    break;
            }
        }
    }

    /// <summary>Per case and flavour: stored / refused by reason / left to verify (unknown + at risk).</summary>
    [Theory]
    [InlineData("too-old-3-of-5.loki-2.json", 0, "too_old:3", 2)] // Loki 2 names one entry: the rest are verified
    [InlineData("too-old-3-of-5.loki-3.json", 2, "too_old:3", 0)]
    [InlineData("too-old-3-of-5.loki-3-upgraded.json", 2, "too_old:3", 0)]
    [InlineData("too-old-in-two-streams.loki-2.json", 0, "too_old:5", 2)] // it names the second stream only; the limit covers both
    [InlineData("too-old-in-two-streams.loki-3.json", 2, "too_old:5", 0)]
    [InlineData("too-old-in-40-seconds.loki-2.json", 0, "too_old:40", 1)]
    [InlineData("too-old-in-40-seconds.loki-3.json", 1, "too_old:40", 0)] // 40 groups of 1
    [InlineData("line-too-long.loki-3.json", 1, "line_too_long:2", 0)]
    [InlineData("too-far-behind.loki-2.json", 1, "entry_too_far_behind:3", 0)]
    [InlineData("too-far-behind.loki-3.json", 1, "entry_too_far_behind:3", 0)]
    [InlineData("too-far-behind-in-two-streams.loki-2.json", 2, "entry_too_far_behind:3", 2)] // the other stream's refusals are not reported
    [InlineData("too-far-behind-in-two-streams.loki-3.json", 2, "entry_too_far_behind:3", 2)]
    [InlineData("too-old-and-too-far-behind.loki-3.json", 2, "too_old:3", 2)] // the distributor's answer hides the ingester's
    [InlineData("too-old-and-too-far-behind.loki-2.json", 0, "too_old:3", 4)]
    [InlineData("label-value-too-long.loki-2.json", 0, "invalid_labels:1", 3)] // names the last bad stream only
    [InlineData("label-value-too-long.loki-3.json", 1, "invalid_labels:3", 0)]
    [InlineData("too-many-labels.loki-3.json", 0, "invalid_labels:2", 1)] // one error: Loki 3 answers without a count
    [InlineData("structured-metadata.loki-3-upgraded.json", 1, "structured_metadata:2", 0)]
    [InlineData("structured-metadata-and-too-old.loki-3-upgraded.json", 1, "structured_metadata:1 too_old:1", 0)]
    [InlineData("structured-metadata-and-too-old.loki-3.json", 0, "too_old:1", 2)]
    [InlineData("too-new.loki-2.json", 0, "", 4)] // the limit is not printed, nor the count
    [InlineData("too-new.loki-3.json", 1, "too_far_in_future:3", 0)] // counts settle the newest of each stream
    public void Settles_what_the_body_says_and_leaves_the_rest_to_verify(string file, int stored, string refused, int open)
    {
        var push = CapturedPush.Load(file);

        var analysis = Analyze(push);

        var reasons = analysis.Verdicts.Select((v, e) => (v, e)).Where(x => x.v == EntryVerdict.Refused)
            .GroupBy(x => analysis.Reasons[x.e]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}");
        Assert.Equal(
            (stored, refused, open),
            (analysis.Count(EntryVerdict.Stored), string.Join(' ', reasons), analysis.Count(EntryVerdict.Unknown) + analysis.Count(EntryVerdict.AtRisk)));
    }

    [Theory]
    [InlineData("structured-metadata.loki-2.json")]
    [InlineData("structured-metadata-and-too-old.loki-2.json")]
    public void Loki_2_cannot_read_json_metadata_and_stores_nothing(string file)
    {
        var push = CapturedPush.Load(file);

        Assert.Equal(RejectionBodyShape.NotValidation, LokiRejectionParser.Parse(push.Body).Shape);
        Assert.DoesNotContain(true, push.Stored);
    }
}
