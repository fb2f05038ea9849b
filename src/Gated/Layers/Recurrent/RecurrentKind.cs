namespace Gated.Layers.Recurrent;

/// <summary>The recurrent cells Gated offers, for recipes that let the user pick one.</summary>
public enum RecurrentKind
{
    Gru,
    Lstm,
    SimpleRnn,
}
