using System.Text.Json;
using static LokiShipper.Tests.Processing.Redaction.RedactionHarness;

namespace LokiShipper.Tests.Processing.Redaction;

public class JsonKeyMaskerTests
{
    private static string Mask(string keys, string line) => Apply(Create(null, null, keys), line);

    [Fact]
    public void Values_of_every_type_are_masked_at_any_depth_and_inside_arrays()
    {
        const string Line = """{"user":"bob","password":"hunter2","nested":{"Token":12345,"list":[{"api_key":{"id":1,"v":[1,2]}},{"API_KEY":["a","b"]},{"secret":false}]},"ok":true}""";

        var masked = Mask("password,token,api_key,secret", Line);

        Assert.Equal("""{"user":"bob","password":"[REDACTED]","nested":{"Token":"[REDACTED]","list":[{"api_key":"[REDACTED]"},{"API_KEY":"[REDACTED]"},{"secret":"[REDACTED]"}]},"ok":true}""", masked);
        using var parsed = JsonDocument.Parse(masked); // still JSON
    }

    [Fact]
    public void Everything_but_the_masked_values_is_kept_byte_for_byte()
    {
        const string Line = """  { "msg" : "caf\u00e9 \"quoted\" \/ ok" ,  "n": 1.50E+3, "password" :  "x" , "empty": {}, "t":-0.0 }  """;

        Assert.Equal("""  { "msg" : "caf\u00e9 \"quoted\" \/ ok" ,  "n": 1.50E+3, "password" :  "[REDACTED]" , "empty": {}, "t":-0.0 }  """, Mask("password", Line));
    }

    [Fact]
    public void A_null_value_stays_null()
    {
        const string Line = """{"password":null,"token":"t"}""";

        Assert.Equal("""{"password":null,"token":"[REDACTED]"}""", Mask("password,token", Line));
    }

    [Fact]
    public void A_key_matches_the_whole_name_in_any_case()
    {
        const string Line = """{"Password":"a","PASSWORD":"b","db_password":"c","password_hint":"d","passwords":["e"]}""";

        Assert.Equal("""{"Password":"[REDACTED]","PASSWORD":"[REDACTED]","db_password":"c","password_hint":"d","passwords":["e"]}""", Mask("password", Line));
    }

    [Theory]
    [InlineData("*password", """{"password":"[REDACTED]","db_password":"[REDACTED]","password_hint":"d"}""")]
    [InlineData("password*", """{"password":"[REDACTED]","db_password":"c","password_hint":"[REDACTED]"}""")]
    [InlineData("*password*", """{"password":"[REDACTED]","db_password":"[REDACTED]","password_hint":"[REDACTED]"}""")]
    public void A_star_at_either_end_stands_for_any_text(string key, string expected)
    {
        Assert.Equal(expected, Mask(key, """{"password":"a","db_password":"c","password_hint":"d"}"""));
    }

    [Fact]
    public void Letters_beyond_ASCII_are_compared_as_written()
    {
        Assert.Equal("""{"pässwort":"[REDACTED]","PÄSSWORT":"y","Pässwort":"[REDACTED]"}""", Mask("pässwort", """{"pässwort":"x","PÄSSWORT":"y","Pässwort":"z"}"""));
    }

    [Fact]
    public void An_escaped_name_is_compared_unescaped()
    {
        Assert.Equal("""{"pass\u0077ord":"[REDACTED]"}""", Mask("password", """{"pass\u0077ord":"x"}"""));
    }

    [Fact]
    public void A_name_elsewhere_than_a_property_masks_nothing()
    {
        const string Line = """{"msg":"password reset for bob","fields":["password","token"]}""";

        Assert.Equal(Line, Mask("password,token", Line));
    }

    [Theory]
    [InlineData("""{"password": "x", "level": "info" """)] // cut short
    [InlineData("""{"password":"x"} and text after it""")]
    [InlineData("""{'password': 'x'}""")] // a Python dict, not JSON
    [InlineData("""["password","x"]""")] // an array, not an object
    [InlineData("""password={"password":"x"}""")] // does not start as an object
    public void A_line_that_is_not_a_JSON_object_is_left_alone(string line)
    {
        Assert.Equal(line, Mask("password", line));
    }

    [Fact]
    public void An_invalid_JSON_line_is_still_seen_by_the_other_rules()
    {
        var redactor = Create("email", null, "password");

        Assert.Equal("""{"password": "x", "to": "[REDACTED:email]" """, Apply(redactor, """{"password": "x", "to": "bob@example.com" """));
    }

    [Fact]
    public void Masking_runs_before_the_rules_so_a_masked_value_is_masked_whole()
    {
        var redactor = Create("email,ipv4", null, "contact");

        Assert.Equal(
            """{"contact":"[REDACTED]","from":"[REDACTED:ipv4]"}""",
            Apply(redactor, """{"contact":{"email":"bob@example.com","ip":"10.1.2.3"},"from":"10.1.2.4"}"""));
    }
}
