using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Xunit.Abstractions;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// Central finite differences of the scalar loss L = Σ y ⊙ w (w fixed and random, so dL/dy = w) against Backward.
/// In double on ReferenceGru (ε = 1e-5, tolerance 1e-6 relative: differencing error there is ~1e-10), which
/// validates the reference; in float on Gru (ε = 1e-2, tolerance 1e-2 relative with a floor of 0.1 × the
/// tensor's largest entry: float rounding of L puts ~1e-5 noise on each difference quotient).
/// A wrong gate gradient shows up as a whole block of 3H columns off by its own size (a sign flip: twice), far
/// beyond 1%; FlippingAnyGateBlockIsCaught checks this against the same tolerance.
/// </summary>
public sealed class GruGradientCheckTests(ITestOutputHelper output)
{
    private const double FloatEpsilon = 1e-2;
    private const double FloatRelative = 1e-2;
    private const double FloatFloorFraction = 0.1;

    public static TheoryData<GruVariant, bool, bool> Cases()
    {
        var data = new TheoryData<GruVariant, bool, bool>();
        foreach (var variant in new[] { GruVariant.ResetAfter, GruVariant.ResetBefore })
        {
            foreach (bool returnSequences in new[] { true, false })
            {
                foreach (bool withState in new[] { false, true })
                {
                    data.Add(variant, returnSequences, withState);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReferenceBackwardMatchesFiniteDifferences(GruVariant variant, bool returnSequences, bool withState)
    {
        const int B = 2, T = 4, I = 3, H = 4;
        bool resetAfter = variant == GruVariant.ResetAfter;
        var random = new SeededRandom(11);
        double[] Draw(int n, double scale) => TestData.ToDouble(TestData.Uniform(random, n, scale));
        var weights = new Dictionary<string, double[]> { ["kernel"] = Draw(I * 3 * H, 1.0), ["recurrent_kernel"] = Draw(H * 3 * H, 0.8), ["bias"] = Draw(3 * H, 0.5) };
        if (resetAfter)
        {
            weights["recurrent_bias"] = Draw(3 * H, 0.5);
        }

        var reference = new ReferenceGru(I, H, weights, resetAfter, returnSequences);
        double[] x = Draw(B * T * I, 1.0);
        double[]? h0 = withState ? Draw(B * H, 0.9) : null;
        double[] w = Draw(returnSequences ? B * T * H : B * H, 1.0);

        var run = new ReferenceRun { InitialStates = h0 is null ? null : [h0] };
        reference.Forward(x, B, T, run);
        reference.Backward(w);
        var analytic = new Dictionary<string, double[]>(reference.ParameterGradients) { ["x"] = reference.InputGradient };
        // The reference's own weight arrays: finite differences perturb them in place.
        var values = new Dictionary<string, double[]>(reference.Weights) { ["x"] = x };

        if (h0 is not null)
        {
            analytic["h0"] = reference.InitialStateGradients![0];
            values["h0"] = h0;
        }

        double Loss() => TestData.WeightedSum(reference.Forward(x, B, T, run), w);
        foreach (var (name, v) in values)
        {
            double[] numeric = FiniteDifference.Gradient(v, Loss, 1e-5);
            NumericAssert.Gradient(numeric, analytic[name], 1e-6, 1e-2, $"reference {variant} seq={returnSequences} d{name}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GruBackwardMatchesFiniteDifferences(GruVariant variant, bool returnSequences, bool withState)
    {
        foreach (var (name, numeric, analytic) in SingleGruGradients(variant, returnSequences, withState))
        {
            string what = $"{variant} seq={returnSequences} h0={withState} d{name}";
            output.WriteLine($"{what}: worst error {NumericAssert.GradientRatio(numeric, analytic, FloatRelative, FloatFloorFraction):F3} × tolerance");
            NumericAssert.Gradient(numeric, analytic, FloatRelative, FloatFloorFraction, what);
        }
    }

    /// <summary>Two Grus, the first returning its sequence into the second, which returns its last state.</summary>
    [Theory]
    [InlineData(GruVariant.ResetAfter)]
    [InlineData(GruVariant.ResetBefore)]
    public void StackedGrusMatchFiniteDifferences(GruVariant variant)
    {
        const int B = 2, T = 5, I = 3;
        var random = new SeededRandom(23);
        var first = new Gru(4, returnSequences: true, variant: variant);
        var second = new Gru(3, returnSequences: false, variant: variant);
        first.Build([T, I], random);
        second.Build([T, 4], random);
        RecurrentTestSetup.Randomize(first, random);
        RecurrentTestSetup.Randomize(second, random);
        var x = TestData.UniformTensor(random, 1.0, B, T, I);
        var w = TestData.UniformTensor(random, 1.0, B, 3);

        var y = second.Forward(first.Forward(x, training: true), training: true);
        NumericAssert.ShapeEqual([B, 3], y.Shape, "stacked output");
        first.ZeroGradients();
        second.ZeroGradients();
        var dx = first.Backward(second.Backward(w));

        double Loss() => TestData.WeightedSum(second.Forward(first.Forward(x)).Data, w.Data);
        foreach (var (layerName, layer) in new (string, Layer)[] { ("first", first), ("second", second) })
        {
            foreach (var p in layer.Parameters)
            {
                double[] analytic = TestData.ToDouble(p.Gradients);
                double[] numeric = FiniteDifference.Gradient(p, Loss, FloatEpsilon);
                output.WriteLine($"{layerName} d{p.Name}: worst error {NumericAssert.GradientRatio(numeric, analytic, FloatRelative, FloatFloorFraction):F3} × tolerance");
                NumericAssert.Gradient(numeric, analytic, FloatRelative, FloatFloorFraction, $"stacked {variant} {layerName} d{p.Name}");
            }
        }

        NumericAssert.Gradient(FiniteDifference.Gradient(x.Data, Loss, FloatEpsilon), dx.Data, FloatRelative, FloatFloorFraction, $"stacked {variant} dx");
    }

    /// <summary>
    /// The float tolerance is tight enough to see a wrong gate: negating the analytic gradient of any one gate
    /// block (z, r or n columns) of any parameter must fail the comparison that the true gradient passes.
    /// </summary>
    [Theory]
    [InlineData(GruVariant.ResetAfter)]
    [InlineData(GruVariant.ResetBefore)]
    public void FlippingAnyGateBlockIsCaught(GruVariant variant)
    {
        const int H = 5;
        foreach (var (name, numeric, analytic) in SingleGruGradients(variant, returnSequences: true, withState: true))
        {
            if (name is "x" or "h0")
            {
                continue;
            }

            Assert.Null(NumericAssert.CheckGradient(numeric, analytic, FloatRelative, FloatFloorFraction, name));
            for (int gate = 0; gate < 3; gate++)
            {
                double[] flipped = (double[])analytic.Clone();
                for (int i = 0; i < flipped.Length; i++)
                {
                    if ((i % (3 * H)) / H == gate)
                    {
                        flipped[i] = -flipped[i];
                    }
                }

                Assert.True(NumericAssert.CheckGradient(numeric, flipped, FloatRelative, FloatFloorFraction, name) is not null,
                    $"{variant} d{name}: negating gate block {"zrn"[gate]} was not detected.");
            }
        }
    }

    // B = 2, T = 4, I = 3, H = 5: (name, finite-difference gradient, Backward's gradient) for every parameter, x and h0.
    private static List<(string Name, double[] Numeric, double[] Analytic)> SingleGruGradients(GruVariant variant, bool returnSequences, bool withState)
    {
        const int B = 2, T = 4, I = 3, H = 5;
        var random = new SeededRandom(17);
        var gru = new Gru(H, returnSequences, variant);
        gru.Build([T, I], random);
        RecurrentTestSetup.Randomize(gru, random);
        var x = TestData.UniformTensor(random, 1.0, B, T, I);
        Tensor? h0 = withState ? TestData.UniformTensor(random, 0.9, B, H) : null;
        var w = returnSequences ? TestData.UniformTensor(random, 1.0, B, T, H) : TestData.UniformTensor(random, 1.0, B, H);

        gru.Forward(x, h0, training: true);
        gru.ZeroGradients();
        var dx = gru.Backward(w);
        var dh0 = gru.InitialStateGradient;

        double Loss() => TestData.WeightedSum(gru.Forward(x, h0).Data, w.Data);
        var result = new List<(string, double[], double[])>();
        foreach (var p in gru.Parameters)
        {
            double[] analytic = TestData.ToDouble(p.Gradients);
            result.Add((p.Name, FiniteDifference.Gradient(p, Loss, FloatEpsilon), analytic));
        }

        result.Add(("x", FiniteDifference.Gradient(x.Data, Loss, FloatEpsilon), TestData.ToDouble(dx.Data)));
        if (h0 is not null)
        {
            Assert.NotNull(dh0);
            result.Add(("h0", FiniteDifference.Gradient(h0.Data, Loss, FloatEpsilon), TestData.ToDouble(dh0.Data)));
        }
        else
        {
            Assert.Null(dh0);
        }

        return result;
    }
}
