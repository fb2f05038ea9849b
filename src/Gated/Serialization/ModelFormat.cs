namespace Gated.Serialization;

/// <summary>The model files Gated reads and writes.</summary>
public enum ModelFormat
{
    /// <summary>A Gated model file: safetensors with the architecture in its metadata.</summary>
    Gated,

    /// <summary>A PyTorch state_dict of nn.GRU/LSTM/RNN (+ nn.Linear) saved as safetensors.</summary>
    PyTorchStateDict,

    /// <summary>An ONNX model (opset 14 GRU/LSTM/RNN graphs, as torch.onnx.export writes them).</summary>
    Onnx,

    /// <summary>A Keras model file, read only: Keras 3's .keras zip or Keras 2's .h5 (HDF5 with model_config), see <see cref="KerasModelFile"/>.</summary>
    Keras,
}
