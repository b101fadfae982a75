namespace LokiShipper.Onboarding;

/// <summary>
/// What one sweep, removal or <c>CreateLogGroup</c> event did, group by group: the summary line and the custom
/// resource's answer are written from it. Filled by one caller at a time.
/// </summary>
internal sealed class OnboardingReport
{
    /// <summary>Groups the selection matched and that were looked at.</summary>
    public int Examined { get; set; }

    /// <summary>Groups listed but not selected (excluded, the shipper's own, outside the prefixes).</summary>
    public int NotSelected { get; set; }

    /// <summary>Groups that got the stack's subscription filter.</summary>
    public List<string> Subscribed { get; } = [];

    /// <summary>Groups whose filter of the stack's name was changed to the current pattern or destination.</summary>
    public List<string> Updated { get; } = [];

    /// <summary>Groups that already had the stack's filter as it should be.</summary>
    public List<string> AlreadySubscribed { get; } = [];

    /// <summary>Groups with two filters already, none of them ours: reported, not fought over.</summary>
    public List<FullLogGroup> Full { get; } = [];

    /// <summary>Retentions set.</summary>
    public List<RetentionChange> RetentionChanges { get; } = [];

    /// <summary>Groups the stack's filter was removed from.</summary>
    public List<string> Removed { get; } = [];

    /// <summary>Groups deleted while the function worked on them.</summary>
    public List<string> Gone { get; } = [];

    /// <summary>Groups a call failed for, after its retries.</summary>
    public List<OnboardingFailure> Failures { get; } = [];

    /// <summary>Groups not reached because the invocation was running out of time; 0 when all were.</summary>
    public int NotReached { get; set; }

    /// <summary>Every group was handled and no call failed.</summary>
    public bool Complete => Failures.Count == 0 && NotReached == 0;
}
