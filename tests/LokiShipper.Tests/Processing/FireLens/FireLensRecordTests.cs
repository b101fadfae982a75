using System.Text;
using LokiShipper.Processing.FireLens;

namespace LokiShipper.Tests.Processing.FireLens;

/// <summary>Records Fluent Bit writes through FireLens: the <c>log</c> is the line, the rest describes the container.</summary>
public sealed class FireLensRecordTests
{
    private const string Record = """{"container_id":"0a1b2c3d4e5f-1234567890","container_name":"web","ecs_cluster":"prod","ecs_task_arn":"arn:aws:ecs:eu-west-1:111122223333:task/prod/0a1b2c3d4e5f","ecs_task_definition":"web:42","log":"GET /health 200 \"ok\"","source":"stdout"}""";

    private static (bool Unwrapped, string Log, string[] Fields) Unwrap(string line)
    {
        var fields = new ReadOnlyMemory<byte>[FireLensRecord.MetadataNames.Length];
        var ok = FireLensRecord.TryUnwrap(Encoding.UTF8.GetBytes(line), out var log, fields);
        return (ok, Encoding.UTF8.GetString(log.Span), [.. fields.Select(f => Encoding.UTF8.GetString(f.Span))]);
    }

    [Fact]
    public void TheLogIsTheLine_TheRestIsMetadata()
    {
        var (unwrapped, log, fields) = Unwrap(Record);

        Assert.True(unwrapped);
        Assert.Equal("GET /health 200 \"ok\"", log);
        Assert.Equal(["container_name", "container_id", "ecs_cluster", "ecs_task_arn", "ecs_task_definition", "source"], FireLensRecord.MetadataNames);
        Assert.Equal(["web", "0a1b2c3d4e5f-1234567890", "prod", "arn:aws:ecs:eu-west-1:111122223333:task/prod/0a1b2c3d4e5f", "web:42", "stdout"], fields);
    }

    [Fact]
    public void AJsonLogInsideTheRecord_ComesOutAsJson()
    {
        var (unwrapped, log, _) = Unwrap("""{"container_name":"api","log":"{\"level\":\"error\",\"msg\":\"boom\"}","source":"stderr"}""");

        Assert.True(unwrapped);
        Assert.Equal("""{"level":"error","msg":"boom"}""", log);
    }

    [Theory]
    [InlineData("""{"log":"a line","stream":"stdout","time":"2026-11-30T10:04:31Z"}""")] // Docker's json-file shape: no ECS fields
    [InlineData("""{"container_name":"web","message":"no log field"}""")]
    [InlineData("""{"container_name":"web","log":42}""")]
    [InlineData("""{"container_name":"web","log":"cut""")]
    [InlineData("plain text with \"log\" and \"container_name\"")]
    public void OtherLines_AreLeftAsTheyAre(string line)
    {
        Assert.False(Unwrap(line).Unwrapped);
    }
}
