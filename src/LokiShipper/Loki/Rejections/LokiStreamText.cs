using LokiShipper.Labels;

namespace LokiShipper.Loki.Rejections;

/// <summary>
/// Matches a stream as Loki prints it in an error (<c>{a="1", b="2"}</c>, values quoted as Go's strconv.Quote does)
/// to the streams of a request. Loki 3 adds labels of its own (<c>service_name</c>) before it validates, so a sent
/// stream matches when its labels are a subset of the printed ones; of several, the one with the most labels.
/// </summary>
internal static class LokiStreamText
{
    /// <summary>The index in <paramref name="sent"/> of the stream Loki names, or -1 when none or several fit equally.</summary>
    public static int Find(string printed, IReadOnlyList<LabelSet> sent)
    {
        ArgumentNullException.ThrowIfNull(printed);
        ArgumentNullException.ThrowIfNull(sent);
        for (var i = 0; i < sent.Count; i++)
        {
            if (sent[i].Text == printed)
            {
                return i;
            }
        }

        var pieces = Pieces(printed);
        var best = -1;
        var bestSize = -1;
        var tie = false;
        for (var i = 0; i < sent.Count; i++)
        {
            var labels = sent[i].Pairs;
            if (!labels.All(pair => pieces.Contains(pair.Key + "=" + GoQuote.Quote(pair.Value))))
            {
                continue;
            }

            if (labels.Count > bestSize)
            {
                (best, bestSize, tie) = (i, labels.Count, false);
            }
            else if (labels.Count == bestSize)
            {
                tie = true;
            }
        }

        return tie ? -1 : best;
    }

    /// <summary>The <c>name="value"</c> pieces of a printed label set, split at the commas outside the quoted values.</summary>
    internal static HashSet<string> Pieces(string printed)
    {
        var pieces = new HashSet<string>(StringComparer.Ordinal);
        var text = printed.AsSpan().Trim();
        if (text.Length >= 2 && text[0] == '{' && text[^1] == '}')
        {
            text = text[1..^1];
        }

        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted && c == '\\')
            {
                i++; // the escaped character cannot end the value
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == ',')
            {
                pieces.Add(text[start..i].Trim().ToString());
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            pieces.Add(text[start..].Trim().ToString());
        }

        return pieces;
    }
}
