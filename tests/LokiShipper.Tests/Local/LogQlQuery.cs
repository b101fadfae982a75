using System.Text;
using System.Text.RegularExpressions;

namespace LokiShipper.Tests.Local;

/// <summary>
/// What the dashboard tests read from a LogQL query: the stream selector's matchers, the label filters after it, its
/// line filters, the labels it groups by and its ranges. A small parser of the LogQL the dashboards here use, not of all
/// LogQL:
/// <code>
/// query    = metric | log
/// metric   = AGGREGATION [grouping] "(" metric ")" [grouping] | RANGE_FUNCTION "(" log "[" range "]" ")"
/// grouping = ("by" | "without") "(" name {"," name} ")"
/// log      = "{" matcher {"," matcher} "}" {stage}
/// matcher  = name ("=" | "!=" | "=~" | "!~") string
/// stage    = ("|=" | "!=" | "|~" | "!~") string | "|" matcher
/// string   = "…" (a Go string: escapes read as Go reads them) | `…` (raw)
/// range    = a duration (5m, 1h30m) | a Grafana variable ($__auto, ${__range})
/// </code>
/// Anything else (parsers such as <c>| json</c>, binary operators, numbers, <c>offset</c>) is refused with a
/// <see cref="FormatException"/> that says where, so a dashboard cannot use what these tests do not check.
/// </summary>
internal sealed partial record LogQlQuery(
    IReadOnlyList<LogQlMatcher> StreamMatchers,
    IReadOnlyList<LogQlMatcher> LabelFilters,
    IReadOnlyList<string> LineFilters,
    IReadOnlyList<string> Grouping,
    IReadOnlyList<string> Ranges,
    bool IsMetric)
{
    private static readonly HashSet<string> Aggregations = new(StringComparer.Ordinal) { "sum", "avg", "min", "max", "count", "stddev", "stdvar" };
    private static readonly HashSet<string> RangeFunctions = new(StringComparer.Ordinal) { "count_over_time", "rate", "bytes_over_time", "bytes_rate" };
    private static readonly HashSet<string> MatchOperators = new(StringComparer.Ordinal) { "=", "!=", "=~", "!~" };
    private static readonly HashSet<string> LineFilterOperators = new(StringComparer.Ordinal) { "|=", "!=", "|~", "!~" };

    /// <summary>Reads <paramref name="text"/>; throws <see cref="FormatException"/> naming the position of what it cannot read.</summary>
    public static LogQlQuery Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Parser(text).Query();
    }

    [GeneratedRegex(@"^(?:[0-9]+(?:ms|s|m|h|d|w|y))+$|^\$\w+$|^\$\{\w+\}$")]
    private static partial Regex RangeText();

    private enum Kind
    {
        LeftBrace,
        RightBrace,
        LeftParen,
        RightParen,
        Comma,
        Range,
        Operator,
        String,
        Name,
        End,
    }

    private readonly record struct Token(Kind Kind, string Text, int Position, char Quote = '\0');

    private sealed class Parser
    {
        private readonly string _text;
        private readonly List<Token> _tokens;
        private readonly List<LogQlMatcher> _streamMatchers = [];
        private readonly List<LogQlMatcher> _labelFilters = [];
        private readonly List<string> _lineFilters = [];
        private readonly List<string> _grouping = [];
        private readonly List<string> _ranges = [];
        private int _next;

        public Parser(string text)
        {
            _text = text;
            _tokens = Tokens(text);
        }

        public LogQlQuery Query()
        {
            var metric = Expression();
            Expect(Kind.End, "the end of the query");
            return new LogQlQuery(_streamMatchers, _labelFilters, _lineFilters, _grouping, _ranges, metric);
        }

        /// <summary>A metric or log expression; true for a metric one.</summary>
        private bool Expression()
        {
            var token = Peek();
            if (token.Kind == Kind.LeftBrace)
            {
                Log();
                return false;
            }

            if (token.Kind != Kind.Name)
            {
                throw Error(token, "a stream selector {…} or an aggregation");
            }

            if (Aggregations.Contains(token.Text))
            {
                _next++;
                var grouped = TryGrouping();
                Expect(Kind.LeftParen, "(");
                var inner = Peek();
                if (!Expression())
                {
                    throw Error(inner, $"a metric expression inside {token.Text}(…), not a log query");
                }

                Expect(Kind.RightParen, ")");
                if (!grouped)
                {
                    TryGrouping();
                }

                return true;
            }

            if (RangeFunctions.Contains(token.Text))
            {
                _next++;
                Expect(Kind.LeftParen, "(");
                Log();
                var range = Expect(Kind.Range, $"a range [5m] after the log query in {token.Text}(…)");
                if (!RangeText().IsMatch(range.Text))
                {
                    throw new FormatException($"'{range.Text}' at {range.Position} is not a LogQL duration or a Grafana variable, in: {_text}");
                }

                _ranges.Add(range.Text);
                Expect(Kind.RightParen, ")");
                return true;
            }

            throw new FormatException($"unsupported function or keyword '{token.Text}' at {token.Position} (these tests read {string.Join(", ", Aggregations.Concat(RangeFunctions).Order(StringComparer.Ordinal))}), in: {_text}");
        }

        private bool TryGrouping()
        {
            var token = Peek();
            if (token.Kind != Kind.Name || token.Text is not ("by" or "without"))
            {
                return false;
            }

            _next++;
            Expect(Kind.LeftParen, $"( after {token.Text}");
            do
            {
                _grouping.Add(Expect(Kind.Name, "a label name").Text);
            }
            while (TryTake(Kind.Comma));

            Expect(Kind.RightParen, ")");
            return true;
        }

        private void Log()
        {
            var open = Expect(Kind.LeftBrace, "{");
            if (Peek().Kind == Kind.RightBrace)
            {
                throw new FormatException($"an empty stream selector {{}} at {open.Position}: Loki needs at least one matcher, in: {_text}");
            }

            do
            {
                _streamMatchers.Add(Matcher());
            }
            while (TryTake(Kind.Comma));

            Expect(Kind.RightBrace, "} or ,");
            while (Peek().Kind == Kind.Operator)
            {
                var op = Take();
                if (LineFilterOperators.Contains(op.Text))
                {
                    var value = Expect(Kind.String, $"a string after {op.Text}");
                    _lineFilters.Add($"{op.Text} {value.Quote}{value.Text}{value.Quote}");
                }
                else if (op.Text == "|")
                {
                    var name = Peek();
                    if (name.Kind == Kind.Name && PeekAt(1) is { Kind: Kind.Operator } after && MatchOperators.Contains(after.Text))
                    {
                        _labelFilters.Add(Matcher());
                    }
                    else
                    {
                        throw new FormatException($"unsupported pipeline stage at {name.Position} (these tests read label filters `| name op \"value\"` and line filters only), in: {_text}");
                    }
                }
                else
                {
                    throw Error(op, "a line filter (|= != |~ !~) or a label filter (| name=\"value\")");
                }
            }
        }

        private LogQlMatcher Matcher()
        {
            var name = Expect(Kind.Name, "a label name");
            var op = Expect(Kind.Operator, "=, !=, =~ or !~");
            if (!MatchOperators.Contains(op.Text))
            {
                throw Error(op, "=, !=, =~ or !~");
            }

            var value = Expect(Kind.String, "a quoted value");
            return new LogQlMatcher(name.Text, op.Text, value.Text, value.Quote);
        }

        private Token Peek() => _tokens[_next];

        private Token PeekAt(int ahead) => _tokens[Math.Min(_next + ahead, _tokens.Count - 1)];

        private Token Take() => _tokens[_next++];

        private bool TryTake(Kind kind)
        {
            if (Peek().Kind != kind)
            {
                return false;
            }

            _next++;
            return true;
        }

        private Token Expect(Kind kind, string what)
        {
            var token = Peek();
            if (token.Kind != kind)
            {
                throw Error(token, what);
            }

            _next++;
            return token;
        }

        private FormatException Error(Token found, string expected) =>
            new($"expected {expected} at {found.Position}, found {(found.Kind == Kind.End ? "the end" : $"'{found.Text}'")}, in: {_text}");

        private static List<Token> Tokens(string text)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                var start = i;
                if (char.IsWhiteSpace(c))
                {
                    i++;
                    continue;
                }

                switch (c)
                {
                    case '{': tokens.Add(new Token(Kind.LeftBrace, "{", start)); i++; break;
                    case '}': tokens.Add(new Token(Kind.RightBrace, "}", start)); i++; break;
                    case '(': tokens.Add(new Token(Kind.LeftParen, "(", start)); i++; break;
                    case ')': tokens.Add(new Token(Kind.RightParen, ")", start)); i++; break;
                    case ',': tokens.Add(new Token(Kind.Comma, ",", start)); i++; break;
                    case '[':
                        var close = text.IndexOf(']', i + 1);
                        if (close < 0)
                        {
                            throw new FormatException($"a range [ at {start} without its ], in: {text}");
                        }

                        tokens.Add(new Token(Kind.Range, text[(i + 1)..close].Trim(), start));
                        i = close + 1;
                        break;
                    case '"':
                        tokens.Add(new Token(Kind.String, GoString(text, ref i), start, '"'));
                        break;
                    case '`':
                        var end = text.IndexOf('`', i + 1);
                        if (end < 0)
                        {
                            throw new FormatException($"a raw string ` at {start} without its closing `, in: {text}");
                        }

                        tokens.Add(new Token(Kind.String, text[(i + 1)..end], start, '`'));
                        i = end + 1;
                        break;
                    case '|' or '=' or '!':
                        var next = i + 1 < text.Length ? text[i + 1] : '\0';
                        var op = (c, next) switch
                        {
                            ('|', '=' or '~') or ('=', '~') or ('!', '=' or '~') => $"{c}{next}",
                            ('|', _) or ('=', not '=') => c.ToString(),
                            _ => throw new FormatException($"unsupported operator at {start}, in: {text}"),
                        };
                        tokens.Add(new Token(Kind.Operator, op, start));
                        i += op.Length;
                        break;
                    default:
                        if (!(char.IsAsciiLetter(c) || c == '_'))
                        {
                            throw new FormatException($"unexpected '{c}' at {start}, in: {text}");
                        }

                        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                        {
                            i++;
                        }

                        tokens.Add(new Token(Kind.Name, text[start..i], start));
                        break;
                }
            }

            tokens.Add(new Token(Kind.End, string.Empty, text.Length));
            return tokens;
        }

        /// <summary>A double-quoted string from <paramref name="i"/> (its opening quote), read as Go's strconv.Unquote reads it.</summary>
        private static string GoString(string text, ref int i)
        {
            var start = i;
            var value = new StringBuilder();
            i++;
            while (true)
            {
                if (i >= text.Length || text[i] == '\n')
                {
                    throw new FormatException($"a string \" at {start} without its closing \", in: {text}");
                }

                var c = text[i];
                if (c == '"')
                {
                    i++;
                    return value.ToString();
                }

                if (c != '\\')
                {
                    value.Append(c);
                    i++;
                    continue;
                }

                var escape = i + 1 < text.Length ? text[i + 1] : '\0';
                i += 2;
                _ = escape switch
                {
                    'a' => value.Append('\a'),
                    'b' => value.Append('\b'),
                    'f' => value.Append('\f'),
                    'n' => value.Append('\n'),
                    'r' => value.Append('\r'),
                    't' => value.Append('\t'),
                    'v' => value.Append('\v'),
                    '\\' => value.Append('\\'),
                    '"' => value.Append('"'),
                    'x' => value.Append(Code(text, ref i, 2, 16, start)),
                    'u' => value.Append(Code(text, ref i, 4, 16, start)),
                    'U' => value.Append(Code(text, ref i, 8, 16, start)),
                    >= '0' and <= '7' => value.Append(Code(text, ref i, 3, 8, start, digitsRead: 1)),
                    _ => throw new FormatException(
                        $"invalid escape \\{escape} at {i - 2} in the string at {start}: a double-quoted LogQL string is a Go string (write \\\\ for a backslash, or use `…`), in: {text}"),
                };
            }
        }

        private static string Code(string text, ref int i, int digits, int radix, int start, int digitsRead = 0)
        {
            var from = i - digitsRead;
            var to = from + digits;
            if (to > text.Length)
            {
                throw new FormatException($"a short escape in the string at {start}, in: {text}");
            }

            try
            {
                var code = Convert.ToInt32(text[from..to], radix);
                i = to;
                return char.ConvertFromUtf32(code);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new FormatException($"an invalid escape '{text[from..to]}' in the string at {start}, in: {text}", ex);
            }
        }
    }
}
