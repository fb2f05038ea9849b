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
}
