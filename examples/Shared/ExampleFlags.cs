using System.Collections;
using System.Globalization;
using System.Text;

namespace Gated.Examples.Shared;

/// <summary>
/// One flag of an example, declared once: its name, the placeholder of its value, what it sets, the option it shows
/// as the default (read from the defaults, never restated) and how a value applies to the options.
/// </summary>
internal sealed record ExampleFlag<T>(string Name, string Placeholder, string Help, Func<T, object?> Default, Func<T, string, string, T> Apply);

/// <summary>
/// An example's flags: its usage text and its parser both come from the one list of declarations. "--flag value"
/// pairs are read over the defaults; a bad flag or value throws ArgumentException naming the flag (see FlagValues).
/// </summary>
internal sealed class ExampleFlags<T>(string summary, string project, T defaults, IReadOnlyList<ExampleFlag<T>> flags)
{
    /// <summary>What --help prints: the summary, the usage line and one line per flag with its default.</summary>
    public string Usage { get; } = Describe(summary, project, defaults, flags);

    /// <summary>The options the arguments ask for, over the defaults.</summary>
    public T Parse(IReadOnlyList<string> args)
    {
        var options = defaults;
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value");
            }

            var flag = flags.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"unknown flag {name}");
            options = flag.Apply(options, name, args[++i]);
        }

        return options;
    }

    private static string Describe(string summary, string project, T defaults, IReadOnlyList<ExampleFlag<T>> flags)
    {
        var heads = flags.Select(f => f.Placeholder.Length == 0 ? f.Name : $"{f.Name} {f.Placeholder}").ToList();
        int width = heads.Max(h => h.Length) + 2;
        var text = new StringBuilder().AppendLine(summary).AppendLine(CultureInfo.InvariantCulture, $"usage: dotnet run -c Release --project {project} -- [flags]");
        for (int i = 0; i < flags.Count; i++)
        {
            string help = flags[i].Help.Length == 0 ? "" : flags[i].Help + " ";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {heads[i].PadRight(width)}{help}(default {Show(flags[i].Default(defaults))})");
        }

        return text.ToString().TrimEnd();
    }

    // Defaults as a user would type them: lower-case words, invariant numbers, lists joined by commas.
    private static string Show(object? value) => value switch
    {
        null => "none",
        string s => s,
        bool b => b ? "true" : "false",
        Enum e => e.ToString().ToLowerInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => string.Join(",", items.Cast<object?>().Select(Show)),
        _ => value.ToString() ?? "",
    };
}
