using Gated.Kernels;
using Gated.Randomness;
using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Kernels;

/// <summary>
/// The fused gate passes: the vector bodies against the float reference bit for bit on every width 0..260 (so
/// every split into vectors and a tail is seen), and the float reference against the gate equations evaluated
/// in double. Runs again with AVX-512, AVX2 and all SIMD switched off (SimdModeTests).
/// </summary>
public class GateMathTests
{
    private const int Rows = 3;

    [Fact]
    public void GruResetAfterVectorAndFloatPathsAgreeOnEveryWidth()
    {
        for (int h = 0; h <= 260; h++)
        {
            var random = new SeededRandom((ulong)h + 1);
            float[] gx = Random(Rows * 3 * h, random, 4f), gh = Random(Rows * 3 * h, random, 4f), hPrev = Random(Rows * h, random, 1f);
            var fast = GruForward(h, gx, gh, hPrev, GateMath.Vectorized);
            var slow = GruForward(h, gx, gh, hPrev, vectorized: false);
            for (int k = 0; k < fast.Length; k++)
            {
                Assert.Equal(slow[k], fast[k]);
            }

            float[] dh = Random(Rows * h, random, 1f);
            var (fastDx, fastDu, fastDh) = GruBackward(h, dh, hPrev, slow, GateMath.Vectorized);
            var (slowDx, slowDu, slowDh) = GruBackward(h, dh, hPrev, slow, vectorized: false);
            Assert.Equal(slowDx, fastDx);
            Assert.Equal(slowDu, fastDu);
            Assert.Equal(slowDh, fastDh);
        }
    }

    [Fact]
    public void GruResetAfterMatchesTheEquationsInDouble()
    {
        int h = 37;
        var random = new SeededRandom(5);
        float[] gx = Random(Rows * 3 * h, random, 4f), gh = Random(Rows * 3 * h, random, 4f), hPrev = Random(Rows * h, random, 1f);
        float[] dh = Random(Rows * h, random, 1f);
        var forward = GruForward(h, gx, gh, hPrev, vectorized: false);
        var (dgx, dgh, dhOut) = GruBackward(h, dh, hPrev, forward, vectorized: false);
        for (int b = 0; b < Rows; b++)
        {
            for (int j = 0; j < h; j++)
            {
                int row = b * 3 * h, i = (b * h) + j;
                float[] bias = BiasOf(h);
                double z = Sigmoid(gx[row + j] + (double)gh[row + j] + bias[j]);
                double r = Sigmoid(gx[row + h + j] + (double)gh[row + h + j] + bias[h + j]);
                double ghn = gh[row + (2 * h) + j] + (double)bias[(2 * h) + j];
                double n = Math.Tanh(gx[row + (2 * h) + j] + (r * ghn));
                double hNext = ((1 - z) * n) + (z * hPrev[i]);
                Near(hNext, forward[(4 * Rows * h) + i]);

                double g = dh[i];
                double dn = g * (1 - z) * (1 - (n * n));
                Near(g * (hPrev[i] - n) * z * (1 - z), dgx[row + j]);
                Near(dn * ghn * r * (1 - r), dgx[row + h + j]);
                Near(dn, dgx[row + (2 * h) + j]);
                Near(dn * r, dgh[row + (2 * h) + j]);
                Near(g * z, dhOut[i]);
            }
        }
    }

    [Fact]
    public void LstmVectorAndFloatPathsAgreeOnEveryWidthAndMatchTheEquations()
    {
        for (int h = 0; h <= 260; h++)
        {
            var random = new SeededRandom((ulong)h + 1000);
            float[] gx = Random(Rows * 4 * h, random, 4f), gh = Random(Rows * 4 * h, random, 4f), cPrev = Random(Rows * h, random, 2f);
            float[] dh = Random(Rows * h, random, 1f), dc = Random(Rows * h, random, 1f);
            var (fast, fastDx, fastDc) = Lstm(h, gx, gh, cPrev, dh, dc, GateMath.Vectorized);
            var (slow, slowDx, slowDc) = Lstm(h, gx, gh, cPrev, dh, dc, vectorized: false);
            Assert.Equal(slow, fast);
            Assert.Equal(slowDx, fastDx);
            Assert.Equal(slowDc, fastDc);
            if (h != 29)
            {
                continue;
            }

            int block = Rows * h;
            for (int b = 0; b < Rows; b++)
            {
                for (int j = 0; j < h; j++)
                {
                    int row = b * 4 * h, k = (b * h) + j;
                    double i = Sigmoid(gx[row + j] + (double)gh[row + j]);
                    double f = Sigmoid(gx[row + h + j] + (double)gh[row + h + j]);
                    double g = Math.Tanh(gx[row + (2 * h) + j] + (double)gh[row + (2 * h) + j]);
                    double o = Sigmoid(gx[row + (3 * h) + j] + (double)gh[row + (3 * h) + j]);
                    double c = (f * cPrev[k]) + (i * g);
                    Near(c, slow[(5 * block) + k]);
                    Near(o * Math.Tanh(c), slow[(6 * block) + k]);
                    double dCell = dc[k] + (dh[k] * o * (1 - (Math.Tanh(c) * Math.Tanh(c))));
                    Near(dCell * g * i * (1 - i), slowDx[row + j]);
                    Near(dCell * cPrev[k] * f * (1 - f), slowDx[row + h + j]);
                    Near(dCell * i * (1 - (g * g)), slowDx[row + (2 * h) + j]);
                    Near(dh[k] * Math.Tanh(c) * o * (1 - o), slowDx[row + (3 * h) + j]);
                    Near(dCell * f, slowDc[k]);
                }
            }
        }
    }

    // Returns z, r, n, gh_n, h' laid end to end, (Rows, H) each.
    private static float[] GruForward(int h, float[] gx, float[] gh, float[] hPrev, bool vectorized)
    {
        int block = Rows * h;
        var all = new float[5 * block];
        var span = all.AsSpan();
        GateMath.GruResetAfterForward(
            new GruGateSpans
            {
                Rows = Rows, Units = h, Count = h, InputGates = gx, RecurrentGates = gh, RecurrentRowStride = 3 * h, RecurrentGateStride = h,
                RecurrentBias = BiasOf(h), PreviousState = hPrev, Update = span[..block], Reset = span.Slice(block, block),
                Candidate = span.Slice(2 * block, block), RecurrentCandidate = span.Slice(3 * block, block), NextState = span.Slice(4 * block, block),
            },
            vectorized);
        return all;
    }

    private static (float[] Dgx, float[] Dgh, float[] Dh) GruBackward(int h, float[] dhIn, float[] hPrev, float[] forward, bool vectorized)
    {
        int block = Rows * h;
        float[] dh = (float[])dhIn.Clone(), dgx = new float[3 * block], dgh = new float[3 * block];
        var f = forward.AsSpan();
        GateMath.GruResetAfterBackward(
            new GruGateSpans
            {
                Rows = Rows, Units = h, Count = h, StateGradient = dh, PreviousState = hPrev, Update = f[..block], Reset = f.Slice(block, block),
                Candidate = f.Slice(2 * block, block), RecurrentCandidate = f.Slice(3 * block, block), InputGateGradients = dgx, RecurrentGateGradients = dgh,
            },
            vectorized);
        return (dgx, dgh, dh);
    }

    // Forward: i, f, g, o, tanh(c'), c', h' end to end; backward: dgx and the new dc (dh must come back zero).
    private static (float[] Forward, float[] Dgx, float[] Dc) Lstm(int h, float[] gx, float[] gh, float[] cPrev, float[] dhIn, float[] dcIn, bool vectorized)
    {
        int block = Rows * h;
        var all = new float[7 * block];
        var s = all.AsSpan();
        GateMath.LstmForward(
            new LstmGateSpans
            {
                Rows = Rows, Units = h, Count = h, InputGates = gx, RecurrentGates = gh, RecurrentRowStride = 4 * h, RecurrentGateStride = h,
                PreviousCell = cPrev, InputGate = s[..block], ForgetGate = s.Slice(block, block), CellCandidate = s.Slice(2 * block, block),
                OutputGate = s.Slice(3 * block, block), CellTanh = s.Slice(4 * block, block), NextCell = s.Slice(5 * block, block), NextState = s.Slice(6 * block, block),
            },
            vectorized);
        float[] dh = (float[])dhIn.Clone(), dc = (float[])dcIn.Clone(), dgx = new float[4 * block];
        GateMath.LstmBackward(
            new LstmGateSpans
            {
                Rows = Rows, Units = h, Count = h, StateGradient = dh, CellGradient = dc, PreviousCell = cPrev, InputGate = s[..block],
                ForgetGate = s.Slice(block, block), CellCandidate = s.Slice(2 * block, block), OutputGate = s.Slice(3 * block, block),
                CellTanh = s.Slice(4 * block, block), InputGateGradients = dgx,
            },
            vectorized);
        Assert.All(dh, v => Assert.Equal(0f, v));
        return (all, dgx, dc);
    }

    // A recurrent bias that differs per gate and unit, so a mix-up of blocks shows.
    private static float[] BiasOf(int h) => Enumerable.Range(0, 3 * h).Select(k => (0.25f * (k % 7)) - 0.5f).ToArray();

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    // Float results of a few roundings against the double formula: relative 1e-5 plus a small absolute floor.
    private static void Near(double expected, float actual) =>
        Assert.True(Math.Abs(actual - expected) <= (1e-5 * Math.Abs(expected)) + 1e-6, $"expected {expected}, got {actual}");

    private static float[] Random(int length, SeededRandom random, float scale)
    {
        var data = new float[length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = random.NextUniform(-scale, scale);
        }

        return data;
    }
}
