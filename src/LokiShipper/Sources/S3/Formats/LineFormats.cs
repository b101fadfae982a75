namespace LokiShipper.Sources.S3.Formats;

/// <summary>The <see cref="ILineFormat"/> each <see cref="S3LogFormat"/> is read with.</summary>
internal static class LineFormats
{
    // WAF writes the Unix time in milliseconds, as a number.
    private static readonly JsonTimestampField[] WafFields = [new("timestamp"u8.ToArray(), EpochUnit.Milliseconds)];

    // A finding is exported again each time it is updated, so updatedAt is the time of this line; createdAt is there
    // when updatedAt is not.
    private static readonly JsonTimestampField[] GuardDutyFields =
    [
        new("updatedAt"u8.ToArray(), EpochUnit.ByMagnitude),
        new("createdAt"u8.ToArray(), EpochUnit.ByMagnitude),
    ];

    /// <summary>Whether objects of <paramref name="format"/> are read line by line (all but CloudTrail's one JSON document).</summary>
    public static bool IsLineBased(S3LogFormat format) => format != S3LogFormat.CloudTrail;

    /// <summary>A new reader for the lines of one object of <paramref name="format"/>.</summary>
    /// <exception cref="ArgumentException"><see cref="S3LogFormat.CloudTrail"/>: its records are read with <see cref="CloudTrailRecords"/>.</exception>
    public static ILineFormat Create(S3LogFormat format) => format switch
    {
        S3LogFormat.Alb => new ElbLineFormat(timeField: 1),
        S3LogFormat.Nlb => new ElbLineFormat(timeField: 2),
        S3LogFormat.ClassicElb => new ElbLineFormat(timeField: 0),
        S3LogFormat.VpcFlow => new VpcFlowLineFormat(),
        S3LogFormat.CloudFront => new CloudFrontLineFormat(),
        S3LogFormat.Waf => new JsonLineFormat(WafFields),
        S3LogFormat.GuardDuty => new JsonLineFormat(GuardDutyFields),
        S3LogFormat.S3Access => new S3AccessLineFormat(),
        S3LogFormat.Msk => new MskLineFormat(),
        S3LogFormat.CloudTrailDigest => SkipLineFormat.Instance,
        S3LogFormat.Generic => new GenericLineFormat(),
        S3LogFormat.CloudTrail => throw new ArgumentException(
            "CloudTrail objects are one JSON document, not lines: read their records with CloudTrailRecords", nameof(format)),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not an S3 log format"),
    };
}
