namespace LokiShipper.Configuration;

/// <summary>
/// One or more environment variables hold values we cannot use. The message names each variable and the accepted
/// form, never the value of a secret.
/// </summary>
internal sealed class ConfigurationException : Exception
{
    public ConfigurationException(IReadOnlyList<string> problems)
        : base("Invalid configuration: " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    public ConfigurationException()
        : this(["unknown problem"])
    {
    }

    public ConfigurationException(string message)
        : this([message])
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public IReadOnlyList<string> Problems { get; }
}
