namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>
/// A recurrent cell's parameters in Keras's layout with gate blocks side by side: kernel W (I, G·H), recurrent
/// kernel U (H, G·H), bias (G·H) and, when the cell has PyTorch's second bias b_hh, recurrent bias (G·H).
/// </summary>
internal sealed record RecurrentWeights(Parameter Kernel, Parameter RecurrentKernel, Parameter Bias, Parameter? RecurrentBias);
