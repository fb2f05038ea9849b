using System.Globalization;
using Gated.Kernels;
using Gated.Layers.Initializers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Threading;

namespace Gated.Layers;

/// <summary>
/// Fully connected layer on the last axis: y = x · kernel + bias, kernel (F, U), bias (U).
/// Input (B, F) or (B, T, F); a 3-D input is applied at every step, as Keras's Dense does.
/// </summary>
public sealed class Dense : Layer, IConfigurableLayer
{
    private Parameter? _kernel;
    private QuantizedMatrix? _int8;
    private Parameter? _bias;
    private Tensor? _lastInput;

    /// <summary>A fully connected layer with <paramref name="units"/> outputs; the input features are fixed at build.</summary>
    /// <param name="units">U, the size of the output's last axis.</param>
    /// <param name="init">Keras's (glorot-uniform kernel, zero bias) or PyTorch's (U(±1/√F) on both) initialisation.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is not positive, or <paramref name="init"/> is not defined.</exception>
    public Dense(int units, WeightInit init = WeightInit.Keras)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        if (!Enum.IsDefined(init))
        {
            throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown weight initialisation.");
        }

        Units = units;
        Init = init;
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "Dense";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <inheritdoc/>
    public static Layer FromConfig(LayerConfig config) =>
        new Dense(config.PositiveInt("units"), config.Choice("init", ("keras", WeightInit.Keras), ("pytorch", WeightInit.PyTorch)));

    /// <summary>U, the size of the output's last axis.</summary>
    public int Units { get; }

    /// <summary>How <see cref="Layer.Build"/> initialises the kernel and bias.</summary>
    public WeightInit Init { get; }

    /// <summary>The kernel (F, U). The layer must be built.</summary>
    public Parameter Kernel => _kernel ?? throw new InvalidOperationException("Build the Dense layer before reading its weights.");

    /// <summary>The bias (U). The layer must be built.</summary>
    public Parameter Bias => _bias ?? throw new InvalidOperationException("Build the Dense layer before reading its weights.");

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["units"] = Units.ToString(CultureInfo.InvariantCulture),
        ["init"] = Init == WeightInit.Keras ? "keras" : "pytorch",
    };

    /// <inheritdoc/>
    internal override bool IsQuantized => _int8 is not null;

    /// <summary>
    /// Dynamic int8 inference from now on: the kernel per output column in int8, each input row quantized as it comes,
    /// int32 sums, the bias in float (<see cref="Int8Gemm"/>). Training is refused; the float kernel stays.
    /// </summary>
    internal override bool QuantizeInt8()
    {
        _int8 = QuantizedMatrix.Quantize(_kernel!.Values, InputShape[^1], Units);
        return true;
    }

    /// <inheritdoc/>
    internal override void ShareInt8Of(Layer source) => _int8 = ((Dense)source)._int8;

    /// <inheritdoc/>
    internal override IEnumerable<(Parameter Parameter, QuantizedMatrix Matrix)> Int8Parameters =>
        _int8 is null ? [] : [(_kernel!, _int8)];

    /// <inheritdoc/>
    internal override void LoadInt8(IReadOnlyDictionary<Parameter, QuantizedMatrix> matrices)
    {
        if (Int8Of(matrices, _kernel!) is not { } kernel || matrices.Count != 1)
        {
            throw new ArgumentException("A quantized Dense holds its kernel, and only it, in int8.", nameof(matrices));
        }

        _int8 = kernel;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training = false)
    {
        CheckInput(input);
        int features = InputShape[^1];
        int rows = input.Length / features;
        Span<int> shape = stackalloc int[input.Rank];
        input.Shape.CopyTo(shape);
        shape[^1] = Units;
        var output = ResultTensor(ForwardResult, shape);
        var y = output.Data.AsSpan();

        // x (rows, F) · kernel (F, U) + bias → y (rows, U)
        if (_int8 is not null)
        {
            if (training)
            {
                throw new InvalidOperationException("A quantized Dense layer only infers; train the float model and quantize it again.");
            }

            ParallelInt8Gemm.Multiply(input.Data, features, rows, _int8, _bias!.Values, y, Units);
        }
        else
        {
            Gemm.Multiply(false, false, rows, Units, features, 1f, input.Data, features, _kernel!.Values, Units, 1f, y, Units, _bias!.Values);
        }

        _lastInput = training ? input : null;
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var input = _lastInput ?? throw new InvalidOperationException("Dense Backward needs a Forward with training: true first.");
        int features = InputShape[^1];
        int rows = input.Length / features;
        if (outputGradient.Length != rows * Units)
        {
            throw new ArgumentException(
                $"Dense output gradient must have {rows * Units} values, got {Tensor.FormatShape(outputGradient.Shape)}.", nameof(outputGradient));
        }

        var dy = outputGradient.Data.AsSpan();
        Gemm.Multiply(true, false, features, Units, rows, 1f, input.Data, features, dy, Units, 1f, _kernel!.Gradients, Units);
        var dBias = _bias!.Gradients;
        for (int i = 0; i < rows; i++)
        {
            var row = dy.Slice(i * Units, Units);
            for (int j = 0; j < Units; j++)
            {
                dBias[j] += row[j];
            }
        }

        var dx = ResultTensor(BackwardResult, input.Shape);
        Gemm.Multiply(false, true, rows, features, Units, 1f, dy, Units, _kernel.Values, Units, 0f, dx.Data, features);
        return dx;
    }

    /// <inheritdoc/>
    protected override bool AcceptsAnySequenceLength => true;

    /// <inheritdoc/>
    protected override int[] BuildCore(int[] inputShape, SeededRandom random)
    {
        if (inputShape.Length is < 1 or > 2 || inputShape[^1] < 1)
        {
            throw new ArgumentException($"Dense expects per-sample input (features) or (time, features), got {Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }

        int features = inputShape[^1];
        _kernel = AddParameter("kernel", features, Units);
        _bias = AddParameter("bias", Units);
        if (Init == WeightInit.Keras)
        {
            WeightInitializers.GlorotUniform(_kernel.Values, features, Units, random);
        }
        else
        {
            // PyTorch nn.Linear: kaiming_uniform(a=√5) on the weight and U(±1/√fan_in) on the bias both reduce to this.
            float limit = 1f / MathF.Sqrt(features);
            WeightInitializers.Uniform(_kernel.Values, limit, random);
            WeightInitializers.Uniform(_bias.Values, limit, random);
        }

        int[] output = (int[])inputShape.Clone();
        output[^1] = Units;
        return output;
    }
}
