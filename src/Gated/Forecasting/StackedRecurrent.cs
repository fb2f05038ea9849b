using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;

namespace Gated.Forecasting;

/// <summary>
/// The model every recipe here trains: <c>layers</c> recurrent cells of <c>units</c> each (all but the last return
/// sequences), then Dense(outputs) (1 by default) and an optional head layer. The forecaster, the cell comparison, the adding problem and <c>gated bench</c> build it
/// here and nowhere else.
/// </summary>
public static class StackedRecurrent
{
    /// <summary>
    /// Builds the stack for inputs of (steps, features) with weights drawn from <paramref name="seed"/>; not compiled.
    /// A size below 1, or a reset-gate variant on a cell other than GRU, throws <see cref="InvalidOptionException"/>
    /// naming the parameter.
    /// </summary>
    /// <param name="cell">The recurrent cell of every layer.</param>
    /// <param name="units">Units per recurrent layer.</param>
    /// <param name="layers">Stacked recurrent layers.</param>
    /// <param name="steps">Sequence length of one sample.</param>
    /// <param name="features">Features per step.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="variant">The GRU's reset-gate variant; other cells take only the default.</param>
    /// <param name="outputs">Width of the Dense head.</param>
    /// <param name="head">A layer after the Dense head (e.g. <see cref="MonotoneQuantiles"/>); null for none.</param>
    public static Sequential Build(
        RecurrentKind cell, int units, int layers, int steps, int features, ulong seed, GruVariant variant = GruVariant.ResetAfter,
        int outputs = 1, Layer? head = null)
    {
        OptionChecks.Positive(outputs, nameof(outputs));
        OptionChecks.Positive(units, nameof(units));
        OptionChecks.Positive(layers, nameof(layers));
        OptionChecks.Positive(steps, nameof(steps));
        OptionChecks.Positive(features, nameof(features));
        CheckCell(cell, variant, nameof(cell), nameof(variant));
        var stack = new List<Layer>();
        for (int i = 0; i < layers; i++)
        {
            var options = new RecurrentOptions { ReturnSequences = i < layers - 1 };
            stack.Add(cell switch
            {
                RecurrentKind.Gru => new Gru(units, options, variant),
                RecurrentKind.Lstm => new Lstm(units, options),
                _ => new SimpleRnn(units, options),
            });
        }

        stack.Add(new Dense(outputs));
        if (head is not null)
        {
            stack.Add(head);
        }

        var model = new Sequential(stack);
        model.Build([steps, features], seed);
        return model;
    }

    /// <summary>Throws <see cref="InvalidOptionException"/> for an unknown cell or variant, or a variant on a cell other than GRU.</summary>
    internal static void CheckCell(RecurrentKind cell, GruVariant variant, string cellName, string variantName)
    {
        if (!Enum.IsDefined(cell))
        {
            throw new InvalidOptionException(cellName, cell, "must be a known recurrent cell");
        }

        if (!Enum.IsDefined(variant))
        {
            throw new InvalidOptionException(variantName, variant, "must be a known GRU variant");
        }

        if (cell != RecurrentKind.Gru && variant != GruVariant.ResetAfter)
        {
            throw new InvalidOptionException(variantName, variant, "applies only to GRU cells");
        }
    }
}
