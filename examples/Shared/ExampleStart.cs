namespace Gated.Examples.Shared;

/// <summary>What every example does first: answer --help, parse its flags, find its bundled data file.</summary>
internal static class ExampleStart
{
    /// <summary>
    /// The parsed options and the data file's path, or null when the program should end now with exitCode
    /// (0 after --help; 2, with one error line, for a bad flag or a missing data file).
    /// </summary>
    public static (T Options, string DataPath)? Begin<T>(string[] args, ExampleFlags<T> flags, string dataName, out int exitCode)
    {
        exitCode = 0;
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine(flags.Usage);
            return null;
        }

        exitCode = 2;
        T options;
        try
        {
            options = flags.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(flags.Usage);
            return null;
        }

        string? path = DataFile.Find(dataName);
        if (path is null)
        {
            Console.Error.WriteLine(DataFile.NotFound(dataName));
            return null;
        }

        exitCode = 0;
        return (options, path);
    }
}
