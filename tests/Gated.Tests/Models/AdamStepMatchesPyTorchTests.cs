using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Models;

/// <summary>
/// The tutorial-shaped model, nn.GRU(1, 8, num_layers=2) → nn.Linear(8, 1) on the last step with MSE and
/// torch.optim.Adam(lr=1e-2), against fixture adam_tutorial: the same weights give the same loss, gradients and
/// parameters after 1 and 3 steps on one batch (3 steps exercise Adam's bias corrections beyond t = 1).
/// Tolerances: loss and parameters |Δ| ≤ 1e-5 + 1e-4·|expected|; gradients 1e-4 of the tensor's scale.
/// </summary>
public sealed class AdamStepMatchesPyTorchTests
{
    private const int Units = 8;
    private readonly PyTorchFixture _fixture = PyTorchFixture.Load("adam_tutorial");

    [Fact]
    public void LossAndParametersMatchAfterOneAndThreeSteps()
    {
        var model = BuildModel();
        model.Compile(new Adam(learningRate: 1e-2f, beta1: 0.9f, beta2: 0.999f, epsilon: 1e-8f), Loss.MeanSquaredError);
        var x = _fixture["x"].ToTensor();
        var y = _fixture["y"].ToTensor();
        float[] expectedLosses = _fixture["loss"].Data;
        Assert.Equal(3, expectedLosses.Length);

        float loss1 = model.TrainOnBatch(x, y);
        NumericAssert.Close(expectedLosses.AsSpan(0, 1), [loss1], 1e-5, 1e-4, "loss before step 1");
        AssertParameters(model, "step1/", "after 1 step");

        float loss2 = model.TrainOnBatch(x, y);
        float loss3 = model.TrainOnBatch(x, y);
        NumericAssert.Close(expectedLosses.AsSpan(1, 2), [loss2, loss3], 1e-5, 1e-4, "losses before steps 2 and 3");
        AssertParameters(model, "step3/", "after 3 steps");
    }

    /// <summary>The first step's gradients through the layers by hand (MSE gradient 2(p − y)/n), so a failure above can be told apart: gradient or optimizer.</summary>
    [Fact]
    public void FirstStepGradientsMatch()
    {
        var model = BuildModel();
        var x = _fixture["x"].ToTensor();
        var y = _fixture["y"].ToTensor();
        var prediction = x;
        foreach (var layer in model.Layers)
        {
            prediction = layer.Forward(prediction, training: true);
        }

        var gradient = new Tensor(prediction.Shape);
        double loss = Loss.MeanSquaredError.Compute(prediction.Data, y.Data, gradient.Data);
        NumericAssert.Close(_fixture["loss"].Data.AsSpan(0, 1), [(float)loss], 1e-5, 1e-4, "loss");
        model.ParameterGradients.Clear();
        for (int i = model.Layers.Count - 1; i >= 0; i--)
        {
            gradient = model.Layers[i].Backward(gradient);
        }

        foreach (var (layer, expected) in Expected("grad1/", model))
        {
            foreach (var p in layer.Parameters)
            {
                NumericAssert.CloseToScale(expected[p.Name], p.Gradients, 1e-4, 1e-3, $"{layer.TypeName} d{p.Name}");
            }
        }
    }

    private Sequential BuildModel()
    {
        Assert.Equal(1, _fixture.ConfigInt("input_size"));
        Assert.Equal(Units, _fixture.ConfigInt("hidden_size"));
        var model = new Sequential(new Layer[] { new Gru(Units, returnSequences: true), new Gru(Units), new Dense(1) });
        model.Build([_fixture.ConfigInt("steps"), 1], seed: 1);
        foreach (var (layer, values) in Expected("initial/", model))
        {
            PyTorchLayout.Load(layer, values);
        }

        return model;
    }

    // The fixture's parameters with the given prefix, converted per layer: GRU layer 0, GRU layer 1, Linear.
    private List<(Layer Layer, Dictionary<string, float[]> Values)> Expected(string prefix, Sequential model) =>
    [
        (model.Layers[0], PyTorchLayout.GruLayer(_fixture, prefix + "gru.", 0, Units)),
        (model.Layers[1], PyTorchLayout.GruLayer(_fixture, prefix + "gru.", 1, Units)),
        (model.Layers[2], PyTorchLayout.Linear(_fixture, prefix + "linear.", 1)),
    ];

    private void AssertParameters(Sequential model, string prefix, string when)
    {
        foreach (var (layer, expected) in Expected(prefix, model))
        {
            foreach (var p in layer.Parameters)
            {
                NumericAssert.Close(expected[p.Name], p.Values, 1e-5, 1e-4, $"{layer.TypeName} {p.Name} {when}");
            }
        }
    }
}
