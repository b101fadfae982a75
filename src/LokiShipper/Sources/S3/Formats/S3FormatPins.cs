
namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// <c>S3_FORMATS</c>: formats pinned to key prefixes, for objects whose keys do not say what they hold (logs copied by
/// a tool of one's own, a format behind a custom prefix). The value is comma-separated <c>prefix=format</c> pairs, each
/// prefix matched against <c>bucket/key</c>: <c>my-bucket/alb/=alb,logs/app/=json</c>. The longest matching prefix wins
/// (<see cref="S3KeyPatterns.Recognise(string, string, IReadOnlyList{ValueTuple{string, S3LogFormat}})"/>).
/// </summary>
internal static class S3FormatPins
{
    public const string Variable = "S3_FORMATS";

    // Matched after lower-casing and dropping '-' and '_' (vpc_flow, VpcFlow and vpc-flow are one name). json and text
    // are what the generic reader reads; elb and kafka are what AWS calls the other two.
    private static readonly Dictionary<string, S3LogFormat> Names = new(StringComparer.Ordinal)
    {
        ["alb"] = S3LogFormat.Alb,
        ["nlb"] = S3LogFormat.Nlb,
        ["classicelb"] = S3LogFormat.ClassicElb,
        ["elb"] = S3LogFormat.ClassicElb,
        ["vpcflow"] = S3LogFormat.VpcFlow,
        ["cloudtrail"] = S3LogFormat.CloudTrail,
        ["cloudtraildigest"] = S3LogFormat.CloudTrailDigest,
        ["cloudfront"] = S3LogFormat.CloudFront,
        ["waf"] = S3LogFormat.Waf,
        ["guardduty"] = S3LogFormat.GuardDuty,
        ["s3access"] = S3LogFormat.S3Access,
        ["msk"] = S3LogFormat.Msk,
        ["kafka"] = S3LogFormat.Msk,
        ["generic"] = S3LogFormat.Generic,
        ["json"] = S3LogFormat.Generic,
        ["text"] = S3LogFormat.Generic,
    };

    private const string Accepted =
        "expected comma-separated prefix=format pairs, each prefix matched against bucket/key, e.g. "
        + "my-bucket/alb/=alb,logs/app/=json; formats: alb, nlb, classic_elb, vpc_flow, cloudtrail, cloudtrail_digest, "
        + "cloudfront, waf, guardduty, s3_access, msk, generic (or json, text)";

    /// <summary>The pins in <paramref name="value"/>; none when it is unset or blank.</summary>
    /// <exception cref="FormatException">A pair without <c>=</c>, an empty prefix, an unknown format, or a prefix given twice.</exception>
    public static IReadOnlyList<(string Prefix, S3LogFormat Format)> Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        var pins = new List<(string Prefix, S3LogFormat Format)>();
        foreach (var part in value.Split(','))
        {
            var pair = part.Trim();
            if (pair.Length == 0)
            {
                continue; // a trailing comma
            }

            var equals = pair.LastIndexOf('=');
            if (equals < 0)
            {
                throw Invalid($"\"{pair}\" has no '='");
            }

            var prefix = pair[..equals].Trim();
            var name = pair[(equals + 1)..].Trim();
            if (prefix.Length == 0)
            {
                throw Invalid($"\"{pair}\" has no prefix before '='");
            }

            if (!TryParseFormat(name, out var format))
            {
                throw Invalid($"\"{pair}\" names no known format (\"{name}\")");
            }

            if (pins.Exists(pin => pin.Prefix == prefix))
            {
                throw Invalid($"the prefix \"{prefix}\" is given twice");
            }

            pins.Add((prefix, format));
        }

        return pins;
    }

    /// <summary>A format's name as <c>S3_FORMATS</c> accepts it: in any case, with or without '-' and '_'.</summary>
    public static bool TryParseFormat(string name, out S3LogFormat format)
    {
        ArgumentNullException.ThrowIfNull(name);
        var normal = name.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        return Names.TryGetValue(normal, out format);
    }

    private static FormatException Invalid(string problem) => new($"{Variable}: {problem}; {Accepted}");
}
