using System.Globalization;

namespace Gated.Cli;

/// <summary>
/// The options of one command: "--name value" or "--name=value" pairs and bare "--flag"s. Every option a
/// command reads must be declared, so an unknown or misspelt one is reported instead of ignored.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public CommandLine(IReadOnlyList<string> args, IReadOnlySet<string> options, IReadOnlySet<string> flags)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"unexpected argument '{arg}'; options start with --");
            }

            string name = arg[2..];
            string? value = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (flags.Contains(name))
            {
                if (value is not null)
                {
                    throw new UsageException($"--{name} takes no value");
                }
            }
            else if (options.Contains(name))
            {
                if (value is null)
                {
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new UsageException($"--{name} needs a value");
                    }

                    value = args[++i];
                }
            }
            else
            {
                throw new UsageException($"unknown option --{name}");
            }

            if (!_values.TryAdd(name, value))
            {
                throw new UsageException($"--{name} is given twice");
            }
        }
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public string Text(string name, string fallback) => _values.GetValueOrDefault(name) ?? fallback;

    public int PositiveInt(string name, int fallback)
    {
        if (Text(name) is not string text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new UsageException($"--{name} must be a positive integer, got '{text}'");
    }

    public ulong Seed(string name, ulong fallback)
    {
        if (Text(name) is not string text)
        {
            return fallback;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw new UsageException($"--{name} must be a non-negative integer, got '{text}'");
    }

    /// <summary>A finite number in (low, high), or [low, high) when lowInclusive.</summary>
    public double Number(string name, double fallback, double low, double high, bool lowInclusive = false)
    {
        if (Text(name) is not string text)
        {
            return fallback;
        }

        bool parsed = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value);
        bool inRange = parsed && (lowInclusive ? value >= low : value > low) && value < high;
        if (!inRange)
        {
            string range = double.IsPositiveInfinity(high)
                ? (lowInclusive ? $"at least {low}" : $"greater than {low}")
                : $"in {(lowInclusive ? "[" : "(")}{low}, {high})";
            throw new UsageException($"--{name} must be a number {range}, got '{text}'");
        }

        return value;
    }

    public string Choice(string name, string fallback, params string[] choices)
    {
        string value = Text(name, fallback);
        return choices.Contains(value, StringComparer.Ordinal)
            ? value
            : throw new UsageException($"--{name} must be one of {string.Join(", ", choices)}, got '{value}'");
    }
}
