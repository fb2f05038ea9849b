namespace Gated.Layers.Recurrent;

/// <summary>The recurrent cells Gated offers, for recipes that let the user pick one.</summary>
public enum RecurrentKind
{
    /// <summary>Gated recurrent unit (<see cref="Recurrent.Gru"/>).</summary>
    Gru,
    /// <summary>Long short-term memory (<see cref="Recurrent.Lstm"/>).</summary>
    Lstm,
    /// <summary>Elman RNN without gates (<see cref="Recurrent.SimpleRnn"/>).</summary>
    SimpleRnn,
}
