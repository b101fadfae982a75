namespace LokiShipper.Loki;

/// <summary>How requests to Loki authenticate. <see cref="ToString"/> never shows a secret.</summary>
internal sealed class LokiCredentials
{
    public static readonly LokiCredentials None = new(null, null, null);

    private LokiCredentials(string? username, string? password, string? bearerToken)
    {
        Username = username;
        Password = password;
        BearerToken = bearerToken;
    }

    public string? Username { get; }
    public string? Password { get; }
    public string? BearerToken { get; }

    public static LokiCredentials Basic(string username, string password) => new(username, password, null);

    public static LokiCredentials Bearer(string token) => new(null, null, token);

    /// <summary>The value of the <c>Authorization</c> header, or null.</summary>
    public System.Net.Http.Headers.AuthenticationHeaderValue? ToAuthorizationHeader()
    {
        if (BearerToken is not null)
        {
            return new("Bearer", BearerToken);
        }

        if (Username is not null)
        {
            var raw = System.Text.Encoding.UTF8.GetBytes($"{Username}:{Password}");
            return new("Basic", Convert.ToBase64String(raw));
        }

        return null;
    }

    public override string ToString() =>
        BearerToken is not null ? "bearer token (redacted)"
        : Username is not null ? "basic auth (redacted)"
        : "none";
}
