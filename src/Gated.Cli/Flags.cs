using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Gated.Cli;

/// <summary>
/// Declares the command line's options: name, type, default (taken from the library where it owns one) and help,
/// once each. Values are only parsed here; their ranges are the library's to check. An option may be bound to the
/// library name it fills, so the library's <see cref="Forecasting.InvalidOptionException"/> can be shown by its flag.
/// </summary>
internal static class Flags
{
    private static readonly Dictionary<Option, List<string>> LibraryNames = [];

    /// <summary>An integer option. Every integer flag counts something (steps, units, epochs), hence the parse message.</summary>
    public static Option<int> Count(string name, int fallback, string help, string? library = null, bool zeroAllowed = false) =>
        Declare(name, help, fallback, library, (string text, out int value) =>
            int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value), zeroAllowed ? "a non-negative integer" : "a positive integer");

    /// <summary>A finite number.</summary>
    public static Option<T> Number<T>(string name, T fallback, string help, string? library = null)
        where T : IFloatingPointIeee754<T> =>
        Declare(name, help, fallback, library, (string text, out T value) =>
            T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value!) && T.IsFinite(value), "a number");

    /// <summary>A seed: any unsigned 64-bit integer.</summary>
    public static Option<ulong> Seed(string name, ulong fallback, string help) =>
        Declare(name, help, fallback, null, (string text, out ulong value) =>
            ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value), "a non-negative integer");

    /// <summary>A text option; null fallback when the command decides what its absence means.</summary>
    public static Option<string> Text(string name, string? fallback, string help, string helpName = "TEXT")
    {
        var option = Declare(name, help, fallback!, null, (string text, out string value) =>
        {
            value = text;
            return true;
        }, "text");
        option.HelpName = helpName;
        if (fallback is null)
        {
            option.DefaultValueFactory = null;
        }

        return option;
    }

    /// <summary>A flag that takes no value.</summary>
    public static Option<bool> Switch(string name, string help) => new(name) { Description = help, Arity = ArgumentArity.Zero };

    /// <summary>One of named values: the names are what the user types and what help lists (the default included).</summary>
    /// <param name="name">The flag, "--cell".</param>
    /// <param name="fallback">The value when the flag is absent; help shows its name.</param>
    /// <param name="choices">Each name the user may type with its value.</param>
    /// <param name="help">The flag's line in help.</param>
    /// <param name="library">The library option this flag fills, when it differs from the flag's name.</param>
    /// <param name="orList">Word the error "must be a or b" instead of "must be one of a, b".</param>
    public static Option<Named<T>> Choice<T>(
        string name, T fallback, IReadOnlyList<(string Name, T Value)> choices, string help, string? library = null, bool orList = false)
    {
        string names = orList ? string.Join(" or ", choices.Select(c => c.Name)) : "one of " + string.Join(", ", choices.Select(c => c.Name));
        var named = choices.Select(c => new Named<T>(c.Name, c.Value)).ToArray();
        var option = Declare(name, help, named.FirstOrDefault(c => EqualityComparer<T>.Default.Equals(c.Value, fallback)) ?? new Named<T>("", fallback), library, (string text, out Named<T> value) =>
        {
            value = named.FirstOrDefault(c => c.Name == text)!;
            return value is not null;
        }, names);
        option.HelpName = string.Join("|", choices.Select(c => c.Name));
        return option;
    }

    /// <summary>Whether the option fills the library value <paramref name="libraryName"/>: a name it was bound to, or its own in kebab case.</summary>
    public static bool Fills(Option option, string libraryName) =>
        (LibraryNames.TryGetValue(option, out var bound) && bound.Contains(libraryName, StringComparer.OrdinalIgnoreCase))
            || option.Name.TrimStart('-') == KebabCase(libraryName);

    /// <summary>Binds the option to more library names it fills (another recipe's name for the same value), keeping its own.</summary>
    public static T AlsoFills<T>(this T option, params string[] libraryNames)
        where T : Option
    {
        if (!LibraryNames.TryGetValue(option, out var bound))
        {
            LibraryNames[option] = bound = [];
        }

        bound.AddRange(libraryNames);
        return option;
    }

    /// <summary>Shows no default in help: the command reads whether the option was given (an absent season means "from the frequency").</summary>
    public static Option<T> WithoutDefault<T>(this Option<T> option)
    {
        option.DefaultValueFactory = null;
        return option;
    }

    /// <summary>Adds another name the user may type for the option.</summary>
    public static T WithAlias<T>(this T option, string alias)
        where T : Option
    {
        option.Aliases.Add(alias);
        return option;
    }

    /// <summary>The value of a choice option.</summary>
    public static T GetChoice<T>(this ParseResult parse, Option<Named<T>> option) => parse.GetRequiredValue(option).Value;

    /// <summary>Whether the user gave the option (rather than its default standing in).</summary>
    public static bool Given(this ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    private delegate bool TryParse<T>(string text, out T value);

    private static Option<T> Declare<T>(string name, string help, T fallback, string? library, TryParse<T> parse, string expected)
    {
        var option = new Option<T>(name)
        {
            Description = help,
            DefaultValueFactory = _ => fallback,
            CustomParser = result =>
            {
                string text = result.Tokens[^1].Value;
                if (text.Length == 0 || text.StartsWith("--", StringComparison.Ordinal))
                {
                    // The next option, not a value: "--window --out x" forgot the window; "--csv=" gave none.
                    result.AddError($"{name} needs a value");
                    return fallback;
                }

                if (parse(text, out T value))
                {
                    return value;
                }

                result.AddError($"{name} must be {expected}, got '{text}'");
                return fallback;
            },
        };
        option.HelpName = "N";
        if (library is not null)
        {
            LibraryNames[option] = [library];
        }

        return option;
    }

    private static string KebabCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}

/// <summary>A value of a choice option with the name the user types; help shows the name.</summary>
internal sealed record Named<T>(string Name, T Value)
{
    public override string ToString() => Name;
}
