using System.Globalization;
using System.Text.RegularExpressions;

namespace Gated.Forecasting;

/// <summary>
/// A recipe option (a <see cref="TutorialOptions"/> property, an <see cref="AddingProblemOptions"/> property, a size
/// given to <see cref="StackedRecurrent.Build"/>) outside its documented range, or options that together leave too
/// little data. It is bad input, not a bug: a front end reports it in its own names for the options (see
/// <see cref="Describe"/>), the way the command line shows <c>Epochs</c> as <c>--epochs</c>.
/// </summary>
public sealed partial class InvalidOptionException : ArgumentException
{
    private readonly string _template;

    /// <summary>"{option} {requirement}, got '{value}'", for one option out of range.</summary>
    /// <param name="option">The option's name as the library spells it (the property or parameter name).</param>
    /// <param name="value">The rejected value.</param>
    /// <param name="requirement">What the option must be, e.g. "must be a positive integer".</param>
    public InvalidOptionException(string option, object? value, string requirement)
        : this(option, $"{{{option}}} {requirement}, got '{Format(value)}'")
    {
    }

    /// <summary>
    /// A message written as <paramref name="template"/>, in which <c>{Name}</c> stands for the option called Name
    /// (<paramref name="option"/> or any other), so that <see cref="Describe"/> can show each in the caller's terms.
    /// </summary>
    /// <param name="option">The option at fault, as the library spells it.</param>
    /// <param name="template">The message; option names in braces.</param>
    public InvalidOptionException(string option, string template)
        : base(Render(template, name => name), option)
    {
        ArgumentException.ThrowIfNullOrEmpty(option);
        _template = template;
    }

    /// <summary>The option at fault, as the library spells it (e.g. <c>Epochs</c>).</summary>
    public string Option => ParamName!;

    /// <summary>The message with every option named as the library spells it; one line.</summary>
    public override string Message => Render(_template, name => name);

    /// <summary>The message with every option named by <paramref name="optionName"/> (e.g. <c>Epochs</c> → <c>--epochs</c>).</summary>
    public string Describe(Func<string, string> optionName)
    {
        ArgumentNullException.ThrowIfNull(optionName);
        return Render(_template, optionName);
    }

    private static string Render(string template, Func<string, string> optionName) =>
        OptionReference().Replace(template, m => optionName(m.Groups[1].Value));

    private static string Format(object? value) => value switch
    {
        null => "null",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9]*)\}")]
    private static partial Regex OptionReference();
}
