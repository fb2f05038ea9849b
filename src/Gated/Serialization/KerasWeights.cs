using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Serialization.Layouts;
using Gated.Tensors;

namespace Gated.Serialization;

/// <summary>
/// One recurrent layer's weights in Keras's layout (layer.get_weights() order): kernel (I, G·H),
/// recurrent_kernel (H, G·H) and bias: GRU reset_after=True (2, 3H) = [input bias; recurrent bias],
/// reset_after=False (3H), LSTM (4H), SimpleRNN (H). Gate blocks are Keras's (GRU z, r, h; LSTM i, f, c, o),
/// which are Gated's, so the tensors copy straight across (see <see cref="WeightLayout"/>). Stored either as a folder of kernel.npy,
/// recurrent_kernel.npy and bias.npy, or as one safetensors file (a path ending in .safetensors) with those
/// names. A missing bias (Keras use_bias=False) loads as zeros.
/// </summary>
public static class KerasWeights
{
    /// <summary>The tensor names (and .npy file names) Keras's get_weights() order gives: kernel, recurrent_kernel, bias.</summary>
    public const string KernelName = "kernel", RecurrentKernelName = "recurrent_kernel", BiasName = "bias";

    /// <summary>
    /// Copies Keras weights into a built layer. A layer with a separate recurrent bias (PyTorch style LSTM or
    /// SimpleRNN) takes Keras's one bias as its input bias and zeros as its recurrent bias; they add the same way.
    /// </summary>
    public static void LoadInto(RecurrentLayer layer, string pathOrFolder)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentException.ThrowIfNullOrEmpty(pathOrFolder);
        if (!layer.IsBuilt)
        {
            throw new ArgumentException("Build the layer (or its model) before loading weights into it.", nameof(layer));
        }

        var tensors = Directory.Exists(pathOrFolder) ? ReadFolder(pathOrFolder) : ReadSafeTensors(pathOrFolder);
        var expected = ExpectedShapes(layer);
        foreach (var (name, (tensor, source)) in tensors)
        {
            if (!expected.TryGetValue(name, out int[]? shape))
            {
                throw new ModelFormatException($"{source}: tensor '{name}' is not one of kernel, recurrent_kernel, bias.");
            }

            if (!tensor.Shape.AsSpan().SequenceEqual(shape))
            {
                throw new ModelFormatException(
                    $"{source}: tensor '{name}' has shape {Tensor.FormatShape(tensor.Shape)} but this {layer.TypeName}({layer.Units}) on {layer.InputShape[^1]} features needs {Tensor.FormatShape(shape)}.");
            }
        }

        foreach (string name in new[] { KernelName, RecurrentKernelName })
        {
            if (!tensors.ContainsKey(name))
            {
                throw new ModelFormatException($"{pathOrFolder}: tensor '{name}' is missing.");
            }
        }

        var layout = WeightLayout.For(Framework.Keras, layer);
        ReadOnlySpan<float> bias = tensors.TryGetValue(BiasName, out var kerasBias) ? kerasBias.Tensor.Data : [];
        int split = layout.Bias == BiasLayout.InputAndRecurrent ? bias.Length / 2 : bias.Length;
        layout.CopyToLayer(layer, tensors[KernelName].Tensor.Data, tensors[RecurrentKernelName].Tensor.Data, bias[..split], bias[split..]);
    }

    /// <summary>
    /// Writes a built layer's weights in Keras's layout: a folder of .npy files, or one safetensors file when the
    /// path ends in .safetensors. A separate recurrent bias (LSTM, SimpleRNN) is added into Keras's one bias.
    /// </summary>
    public static void Save(RecurrentLayer layer, string pathOrFolder)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentException.ThrowIfNullOrEmpty(pathOrFolder);
        var tensors = ToKeras(layer);
        if (pathOrFolder.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            var entries = tensors.Select(t => new KeyValuePair<string, SafeTensorsFile.Entry>(t.Key, new SafeTensorsFile.Entry(t.Value.Shape, t.Value.Data))).ToList();
            AtomicFile.Write(pathOrFolder, stream => SafeTensorsFile.Write(stream, entries, new Dictionary<string, string>()));
            return;
        }

        Directory.CreateDirectory(pathOrFolder);
        foreach (var (name, tensor) in tensors)
        {
            NpyFile.Write(Path.Combine(pathOrFolder, name + ".npy"), tensor);
        }
    }

    /// <summary>The layer's weights in Keras's names and shapes (kernel, recurrent_kernel, bias).</summary>
    public static List<KeyValuePair<string, Tensor>> ToKeras(RecurrentLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (!layer.IsBuilt)
        {
            throw new ArgumentException("Build the layer (or its model) before saving its weights.", nameof(layer));
        }

        var shapes = ExpectedShapes(layer);
        var kernel = new float[layer.Kernel.Length];
        var recurrentKernel = new float[layer.RecurrentKernel.Length];
        var bias = new float[Tensor.ShapeLength(shapes[BiasName])];
        int split = layer.Bias.Length;
        WeightLayout.For(Framework.Keras, layer).CopyFromLayer(layer, kernel, recurrentKernel, bias.AsSpan(0, split), bias.AsSpan(split));
        return
        [
            new(KernelName, new Tensor(kernel, shapes[KernelName])),
            new(RecurrentKernelName, new Tensor(recurrentKernel, shapes[RecurrentKernelName])),
            new(BiasName, new Tensor(bias, shapes[BiasName])),
        ];
    }

    private static Dictionary<string, int[]> ExpectedShapes(RecurrentLayer layer)
    {
        var kernel = layer.Kernel.Shape;
        int width = kernel[1];
        return new Dictionary<string, int[]>(StringComparer.Ordinal)
        {
            [KernelName] = [kernel[0], width],
            [RecurrentKernelName] = [layer.Units, width],
            [BiasName] = WeightLayout.For(Framework.Keras, layer).Bias == BiasLayout.InputAndRecurrent ? [2, width] : [width],
        };
    }

    private static Dictionary<string, (Tensor Tensor, string Source)> ReadFolder(string folder)
    {
        var result = new Dictionary<string, (Tensor, string)>(StringComparer.Ordinal);
        foreach (string name in new[] { KernelName, RecurrentKernelName, BiasName })
        {
            string file = Path.Combine(folder, name + ".npy");
            if (File.Exists(file))
            {
                result[name] = (NpyFile.Read(file), file);
            }
            else if (name != BiasName)
            {
                throw new ModelFormatException($"{folder}: tensor '{name}' is missing (no {name}.npy).");
            }
        }

        return result;
    }

    private static Dictionary<string, (Tensor Tensor, string Source)> ReadSafeTensors(string path)
    {
        var tensors = SafeTensorsFile.ReadFloat(File.ReadAllBytes(path), path);
        return tensors.ToDictionary(t => t.Key, t => (new Tensor(t.Value.Data, t.Value.Shape), path), StringComparer.Ordinal);
    }
}
