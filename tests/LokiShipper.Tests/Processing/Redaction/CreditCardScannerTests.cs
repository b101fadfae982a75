using static LokiShipper.Tests.Processing.Redaction.RedactionHarness;

namespace LokiShipper.Tests.Processing.Redaction;

public class CreditCardScannerTests
{
    [Theory]
    [InlineData("4111111111111111")] // Visa 16
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111-1111-1111-1111")]
    [InlineData("4222222222222")] // Visa 13
    [InlineData("4111 1111 1111 1111 003")] // Visa 19
    [InlineData("5555555555554444")] // Mastercard 51-55
    [InlineData("2223003122003222")] // Mastercard 2221-2720
    [InlineData("378282246310005")] // American Express
    [InlineData("3782 822463 10005")]
    [InlineData("6011111111111117")] // Discover 6011
    [InlineData("6445644564456445")] // Discover 644-649
    [InlineData("3530111333300000")] // JCB
    [InlineData("30569309025904")] // Diners Club 300-305, 14 digits
    [InlineData("3056 930902 5904")]
    [InlineData("36227206271667")] // Diners Club 36
    public void A_card_number_of_a_network_is_replaced(string number)
    {
        Assert.Equal("charged card [REDACTED:credit_card] for 12.00 EUR", Rules("credit_card", $"charged card {number} for 12.00 EUR"));
    }

    [Theory]
    [InlineData("""{"card":"4111111111111111","exp":"12/28"}""", """{"card":"[REDACTED:credit_card]","exp":"12/28"}""")]
    [InlineData("""{"card":4111111111111111,"cards":[ 5555555555554444 ]}""", """{"card":"[REDACTED:credit_card]","cards":[ "[REDACTED:credit_card]" ]}""")]
    [InlineData("pan=5555-5555-5555-4444;cvv=***", "pan=[REDACTED:credit_card];cvv=***")]
    [InlineData("cards 4111111111111111,378282246310005.", "cards [REDACTED:credit_card],[REDACTED:credit_card].")]
    public void A_card_number_is_replaced_in_its_surroundings(string line, string expected)
    {
        Assert.Equal(expected, Rules("credit_card", line));
    }

    [Theory]
    [InlineData("4111111111111112")] // Luhn fails
    [InlineData("1764497071123")] // epoch milliseconds: no network starts with 1
    [InlineData("1764497071123456789")] // epoch nanoseconds
    [InlineData("123456789012")] // AWS account id: 12 digits
    [InlineData("arn:aws:lambda:eu-west-1:123456789012:function:checkout-api")]
    [InlineData("20261130100431123")] // a date stamp: 2026 is no network's prefix
    [InlineData("2026-11-30 4111")]
    [InlineData("1e1b7551-0001-4c2a-9b3d-6f5e4d3c2b1a")] // a request id
    [InlineData("40000000-4000-4000-4000-400000000002")] // an all-digit UUID
    [InlineData("1-5f84c7a3-3b1a2c4d5e6f7a8b9c0d1e2f")] // an X-Ray trace id
    [InlineData("55555555555544440")] // Mastercard has 16 digits
    [InlineData("3782822463100050")] // American Express has 15
    [InlineData("4111 1111-1111 1111")] // mixed separators
    [InlineData("4111  1111  1111  1111")] // double spaces
    [InlineData("41111111111111111111")] // 20 digits
    [InlineData("x4111111111111111 4111111111111111y 0.4111111111111111 4111111111111111.5")]
    [InlineData("41 1111 1111 1111 11")] // the first group is not of four
    public void What_is_not_a_card_number_is_left_alone(string number)
    {
        var line = $"id {number} seen";

        Assert.Equal(line, Rules("credit_card", line));
    }
}
