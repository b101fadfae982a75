namespace LokiShipper.Onboarding;

/// <summary>Which log groups are shipped (<c>SUBSCRIPTION_SCOPE</c>).</summary>
internal enum SubscriptionScope
{
    /// <summary>The groups named in the template's <c>LogGroupNames</c>, each with a subscription filter the stack owns.</summary>
    List,

    /// <summary>Every group of the account but the excluded ones, through one account-level subscription filter policy.</summary>
    Account,

    /// <summary>Every group whose name starts with one of the prefixes, subscribed by the function, including groups created later.</summary>
    Prefixes,
}
