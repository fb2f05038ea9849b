namespace Gated.Examples.Shared;

/// <summary>
/// The one flag loop of the examples: "--flag value" pairs read over the defaults, each flag applied by its entry
/// in a table (which parses the value with <see cref="FlagValues"/>). Throws ArgumentException naming the bad flag.
/// </summary>
internal static class FlagParser
{
    public static T Parse<T>(IReadOnlyList<string> args, T defaults, IReadOnlyDictionary<string, Func<T, string, string, T>> flags)
    {
        var options = defaults;
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{flag} needs a value");
            }

            string value = args[++i];
            options = flags.TryGetValue(flag, out var apply) ? apply(options, flag, value) : throw new ArgumentException($"unknown flag {flag}");
        }

        return options;
    }
}
