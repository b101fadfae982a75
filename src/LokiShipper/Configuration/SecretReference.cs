
namespace LokiShipper.Configuration;

/// <summary>Where a credential variable's value really lives: an SSM parameter name in a region.</summary>
/// <param name="Variable">The environment variable that referenced it.</param>
/// <param name="Arn">The ARN the variable holds (not secret).</param>
/// <param name="Region">The region of the parameter or secret.</param>
/// <param name="ParameterName">The name to ask SSM's GetParameter for.</param>
internal sealed record SecretReference(string Variable, string Arn, string Region, string ParameterName)
{
    /// <summary>
    /// Recognises <c>arn:aws:ssm:REGION:ACCOUNT:parameter/NAME</c> and
    /// <c>arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX</c>; anything else is a literal value.
    /// </summary>
    public static SecretReference? TryParse(string variable, string? value)
    {
        if (value is null || !value.StartsWith("arn:", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = value.Split(':', 6);
        if (parts.Length < 6 || parts[3].Length == 0)
        {
            return null;
        }

        var (service, region, resource) = (parts[2], parts[3], parts[5]);
        if (service == "ssm" && resource.StartsWith("parameter/", StringComparison.Ordinal))
        {
            var name = resource["parameter".Length..]; // keeps the leading '/': parameter names are paths
            return new SecretReference(variable, value, region, name.StartsWith("//", StringComparison.Ordinal) ? name[1..] : name);
        }

        if (service == "secretsmanager" && resource.StartsWith("secret:", StringComparison.Ordinal))
        {
            // Secrets Manager appends "-" and 6 random characters to the name in the ARN; the reference path wants
            // the name. Parameter Store's reference path reads a secret through SSM, so one SDK package serves both.
            var name = resource["secret:".Length..];
            if (name.Length > 7 && name[^7] == '-')
            {
                name = name[..^7];
            }

            return new SecretReference(variable, value, region, "/aws/reference/secretsmanager/" + name);
        }

        return null;
    }
}
