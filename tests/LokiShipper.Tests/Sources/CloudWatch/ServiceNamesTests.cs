using LokiShipper.Sources.CloudWatch;

namespace LokiShipper.Tests.Sources.CloudWatch;

public class ServiceNamesTests
{
    [Theory]
    [InlineData("/aws/lambda/checkout-api", "checkout-api", "lambda")]
    [InlineData("/ecs/payments", "payments", "ecs")]
    [InlineData("/aws/ecs/orders-svc", "orders-svc", "ecs")]
    [InlineData("/aws/rds/instance/orders-db/postgresql", "orders-db", "rds")]
    [InlineData("/aws/rds/cluster/aurora-main/error", "aurora-main", "rds")]
    [InlineData("/aws/eks/prod-cluster/cluster", "prod-cluster", "eks")]
    [InlineData("API-Gateway-Execution-Logs_a1b2c3d4e5/prod", "a1b2c3d4e5", "apigateway")]
    [InlineData("/aws/apigateway/public-api", "public-api", "apigateway")]
    [InlineData("/aws/vendedlogs/states/order-workflow", "order-workflow", "states")]
    [InlineData("/aws/states/billing-flow", "billing-flow", "states")]
    [InlineData("/aws/codebuild/web-build", "web-build", "codebuild")]
    [InlineData("aws-cloudtrail-logs-123456789012-1a2b3c4d", "aws-cloudtrail-logs-123456789012-1a2b3c4d", "cloudtrail")]
    [InlineData("/vpc/flowlogs/prod", "prod", "vpc_flow")]
    [InlineData("/my/team/app/", "app", "custom")]
    [InlineData("plain-group", "plain-group", "custom")]
    [InlineData("/aws/lambda/", "lambda", "custom")]
    [InlineData("/", "/", "custom")]
    public void Derives_service_name_and_aws_service_from_the_log_group(string logGroup, string serviceName, string awsService)
    {
        Assert.Equal((serviceName, awsService), ServiceNames.Derive(logGroup));
    }
}
