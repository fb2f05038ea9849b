using System.CommandLine;
using System.CommandLine.Parsing;
using Gated.Data;
using Gated.Forecasting;
using Gated.IO;
using Gated.Training;

namespace Gated.Cli;

/// <summary>
/// The error contract: which failures are the user's (one line, exit 2) and how each reads. A user error is one of
/// the command line's own checks (<see cref="UsageException"/>, parse errors) or an exception the library
/// documents for bad input: a malformed data file (<see cref="DataFormatException"/>) or model file
/// (<see cref="ModelFormatException"/>), a model a format cannot express (<see cref="NotSupportedException"/>), a
/// recipe option out of range (<see cref="InvalidOptionException"/>), training that diverged on the given settings
/// (<see cref="TrainingDivergedException"/>), an output path that cannot be written (<see cref="OutputPathException"/>),
/// and a file or folder that is missing or not ours to touch. Any other exception, a plain ArgumentException from
/// inside the library included, is a bug: exit 1.
/// </summary>
internal static class UserErrors
{
    public static bool IsUserError(Exception e) =>
        e is UsageException or DataFormatException or ModelFormatException or InvalidOptionException or NotSupportedException
            or TrainingDivergedException or OutputPathException or FileNotFoundException or DirectoryNotFoundException
            or UnauthorizedAccessException;

    /// <summary>The message, with a library option shown as the flag of <paramref name="command"/> that fills it.</summary>
    public static string Describe(Exception e, Command? command) =>
        e is InvalidOptionException invalid
            ? invalid.Describe(name => command?.Options.FirstOrDefault(o => Flags.Fills(o, name))?.Name ?? name)
            : e.Message;

    /// <summary>The first parse error as one line, in the command line's own words where System.CommandLine's are long.</summary>
    public static string ParseErrorLine(ParseResult parse)
    {
        // An option's own error first: its value, when missing, may have been taken for an unmatched token.
        if (parse.Errors.FirstOrDefault(e => e.SymbolResult is OptionResult { Tokens.Count: 1 }) is { } optionError)
        {
            return optionError.Message;
        }

        if (parse.UnmatchedTokens.Count > 0)
        {
            string token = parse.UnmatchedTokens[0];
            return token.StartsWith('-') ? $"unknown option {token}"
                : parse.CommandResult.Command is RootCommand ? $"unknown command '{token}'; try: gated help"
                : $"unexpected argument '{token}'";
        }

        var error = parse.Errors[0];
        return error.SymbolResult switch
        {
            OptionResult { Tokens.Count: 0 } option when option.Option.Arity.MinimumNumberOfValues > 0 => $"{option.Option.Name} needs a value",
            OptionResult { Tokens.Count: > 1 } option when option.Option.Arity.MaximumNumberOfValues == 1 => $"{option.Option.Name} is given twice",
            _ => error.Message,
        };
    }

    /// <summary>The message without ArgumentException's " (Parameter 'name')", which names the library's parameter, not a flag.</summary>
    public static string WithoutParameterName(ArgumentException e) => WithoutParameterName(e.Message, e.ParamName);

    /// <summary>
    /// A library option's ArgumentOutOfRangeException ("Name rule, got value." with the option as its parameter name) as
    /// an <see cref="InvalidOptionException"/>, so the message names the flag that fills the option.
    /// </summary>
    public static InvalidOptionException AsInvalidOption(ArgumentOutOfRangeException e)
    {
        string option = e.ParamName ?? throw new ArgumentException("The exception names no option.", nameof(e), e);
        // The first line: the actual value follows on a line of its own.
        string message = WithoutParameterName(e.Message.Split('\n')[0].TrimEnd('\r'), option);
        return new InvalidOptionException(option, message.StartsWith(option, StringComparison.Ordinal) ? $"{{{option}}}{message[option.Length..]}" : message);
    }

    private static string WithoutParameterName(string message, string? parameter)
    {
        string suffix = new ArgumentException("", parameter).Message;
        return parameter is not null && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
