using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LokiShipper.Onboarding.CustomResources;

namespace LokiShipper.Tests.Onboarding.CustomResources;

/// <summary>CloudFormation's custom resource request, read as CloudFormation sends it, and the answer, written as it reads it.</summary>
public sealed class CustomResourceRequestTests
{
    private static JsonNode Sample() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "onboarding", "custom-resource-create.json")))!;

    private static CustomResourceRequest? Read(JsonNode node)
    {
        using var document = JsonDocument.Parse(node.ToJsonString());
        return CustomResourceRequest.TryRead(document.RootElement);
    }

    [Fact]
    public void ReadsTheFields_ListsJoinedWithCommas()
    {
        var request = Read(Sample())!;

        Assert.Equal("Create", request.RequestType);
        Assert.Equal("loki-shipper", request.StackName);
        Assert.Equal("LogGroupOnboarding", request.LogicalResourceId);
        Assert.Equal("7c6d5e4f-3a2b-4c1d-8e9f-0a1b2c3d4e5f", request.RequestId);
        Assert.Null(request.PhysicalResourceId);
        Assert.Equal("/aws/lambda/,/ecs/", request.Properties["LogGroupPrefixes"]);
        Assert.Equal("", request.Properties["LogGroupNames"]);
        Assert.Equal("14", request.Properties["RetentionInDays"]);
        Assert.Null(request.OldProperties);
    }

    [Fact]
    public void AnUpdate_CarriesTheOldProperties()
    {
        var node = Sample();
        node["RequestType"] = "Update";
        node["PhysicalResourceId"] = "loki-shipper-LogGroupOnboarding";
        node["OldResourceProperties"] = new JsonObject { ["Scope"] = "prefixes", ["LogGroupPrefixes"] = new JsonArray("/old/") };

        var request = Read(node)!;

        Assert.Equal("loki-shipper-LogGroupOnboarding", request.PhysicalResourceId);
        Assert.Equal("/old/", request.OldProperties!["LogGroupPrefixes"]);
    }

    [Fact]
    public void OtherEvents_AreNotRequests()
    {
        Assert.Null(Read(JsonNode.Parse("""{"awslogs":{"data":"x"}}""")!));
    }

    [Theory]
    [InlineData("RequestType", "Replace", "custom resource request: RequestType must be Create, Update or Delete, not 'Replace'")]
    [InlineData("ResponseURL", "ftp://example.com/x", "custom resource request: ResponseURL is not an http(s) URL")]
    [InlineData("RequestId", "", "custom resource request: RequestId is missing or not a string")]
    public void AnInvalidRequest_NamesTheField(string field, string value, string message)
    {
        var node = Sample();
        node[field] = value;

        var error = Assert.Throws<FormatException>(() => Read(node));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void TheAnswer_IsWhatCloudFormationReads()
    {
        var request = Read(Sample())!;

        var body = CustomResourceResponder.Body(request, new CustomResourceResponse(true, "3 subscribed", "loki-shipper-LogGroupOnboarding", [new("Subscribed", "3")]));

        Assert.Equal(
            """{"Status":"SUCCESS","Reason":"3 subscribed","PhysicalResourceId":"loki-shipper-LogGroupOnboarding","StackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/loki-shipper/5b1c2f70-aed1-11f0-9c1b-0a1b2c3d4e5f","RequestId":"7c6d5e4f-3a2b-4c1d-8e9f-0a1b2c3d4e5f","LogicalResourceId":"LogGroupOnboarding","NoEcho":false,"Data":{"Subscribed":"3"}}""",
            Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void ALongReason_IsCutSoTheAnswerFitsIn4096Bytes()
    {
        var request = Read(Sample())!;

        var body = CustomResourceResponder.Body(request, new CustomResourceResponse(false, new string('x', 10_000), "id", []));

        Assert.InRange(body.Length, 3_900, CustomResourceResponder.MaxBodyBytes);
        using var answer = JsonDocument.Parse(body);
        Assert.Equal("FAILED", answer.RootElement.GetProperty("Status").GetString());
        Assert.EndsWith("x [cut]", answer.RootElement.GetProperty("Reason").GetString(), StringComparison.Ordinal);
    }
}
