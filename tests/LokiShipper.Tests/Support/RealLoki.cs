namespace LokiShipper.Tests.Support;

/// <summary>
/// One real Loki the tests push to and read from: started by <see cref="RealLokis"/> from ../shared/services, or the
/// user's own (<c>LOKI_URL</c>).
/// </summary>
public sealed class RealLoki
{
    public RealLoki(string flavour, Uri url, string? tenant, string description)
    {
        Flavour = flavour;
        Url = url;
        Tenant = tenant;
        Description = description;
        Query = new LokiQuery(url, tenant, categorizeLabels: IsLoki3);
    }

    /// <summary><c>2</c>, <c>3</c>, <c>3-upgraded</c> or <c>3-auth</c>.</summary>
    public string Flavour { get; }

    /// <summary>The base URL (<c>http://127.0.0.1:PORT</c>).</summary>
    public Uri Url { get; }

    /// <summary>The <c>X-Scope-OrgID</c> to push and query with (multi-tenant Lokis), or null.</summary>
    public string? Tenant { get; }

    /// <summary>Where it came from and how long it took to become ready, for the test output.</summary>
    public string Description { get; }

    public LokiQuery Query { get; }

    public bool IsLoki3 => Flavour != "2";

    /// <summary>Whether this Loki keeps structured metadata (Loki 3 as a new install); 2 and 3-upgraded do not.</summary>
    public bool StoresStructuredMetadata => Flavour is "3" or "3-auth";

    /// <summary>The shipper's settings that send to this Loki: <c>WRITE_ADDRESS</c>, and <c>TENANT_ID</c> when it needs one.</summary>
    public IReadOnlyList<(string Name, string Value)> ShipperVariables =>
        Tenant is null ? [("WRITE_ADDRESS", Url.ToString())] : [("WRITE_ADDRESS", Url.ToString()), ("TENANT_ID", Tenant)];

    public override string ToString() => Description;
}
