namespace Gated.Forecasting;

/// <summary>The range checks the recipes' options share; each throws <see cref="InvalidOptionException"/> naming the option.</summary>
internal static class OptionChecks
{
    public static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new InvalidOptionException(name, value, "must be a positive integer");
        }
    }

    public static void PositiveNumber(float value, string name)
    {
        if (!float.IsFinite(value) || value <= 0)
        {
            throw new InvalidOptionException(name, value, "must be a number greater than 0");
        }
    }

    /// <summary>All parameters live in one float array; bound them by an LSTM's four gates, each (units + units + 2) wide.</summary>
    public static void FitsOneParameterArray(int layers, int units, string name)
    {
        long parameters = layers * 4L * units * (2L * units + 2);
        if (parameters > Array.MaxLength)
        {
            throw new InvalidOptionException(name, units, $"is too large for one parameter array ({layers} layer(s) of {units} units need about {parameters} parameters; at most {Array.MaxLength} fit)");
        }
    }
}
