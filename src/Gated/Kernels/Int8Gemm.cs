using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gated.Kernels;

/// <summary>Which <see cref="Int8Gemm"/> implementation runs; every one gives the same bits.</summary>
internal enum Int8Path
{
    /// <summary>The plain triple loop over the unpacked values: the reference.</summary>
    Scalar,

    /// <summary>AVX2: int8 sign-extended to int16, vpmaddwd (pairs of products summed into int32), 256 bits.</summary>
    Avx2,

    /// <summary>AVX-512BW: the same at 512 bits (.NET 10 exposes no 512-bit vpdpbusd).</summary>
    Avx512,

    /// <summary>AVX-VNNI: vpdpbusd (four u8 × s8 products summed into int32) on activations + 128, 256 bits.</summary>
    AvxVnni,
}

/// <summary>
/// Dynamic int8 matrix products: C (M, N) = quantize(A) · W + bias, where A (M, K) is float, each row quantized on
/// the fly with its own symmetric scale (a_r = max |A[r, :]| / 127, x = round(A / a_r) in [−127, 127]), W is a
/// <see cref="QuantizedMatrix"/>, the products are summed exactly in int32 and C[r, n] = (float)acc · a_r · s_n
/// (+ bias[n]). Integer sums are exact, so every path gives the scalar path's bits; the float conversion is one
/// shared loop.
/// </summary>
internal static class Int8Gemm
{
    /// <summary>The fastest path this machine runs; fixed for the process.</summary>
    internal static readonly Int8Path DefaultPath =
        AvxVnni.IsSupported ? Int8Path.AvxVnni
        : Avx512BW.IsSupported ? Int8Path.Avx512
        : Avx2.IsSupported ? Int8Path.Avx2
        : Int8Path.Scalar;

    /// <summary>Whether the hardware runs a path (Scalar always).</summary>
    internal static bool IsSupported(Int8Path path) => path switch
    {
        Int8Path.Scalar => true,
        Int8Path.Avx2 => Avx2.IsSupported,
        Int8Path.Avx512 => Avx512BW.IsSupported,
        Int8Path.AvxVnni => AvxVnni.IsSupported,
        _ => false,
    };

    [ThreadStatic]
    private static Int8Scratch? t_scratch;

    /// <summary>C (M, N) = quantize(A (M, K)) · W + bias on the default path; scratch grows to fit and is reused.</summary>
    public static void Multiply(ReadOnlySpan<float> a, int m, QuantizedMatrix w, ReadOnlySpan<float> bias, Span<float> c, Int8Scratch scratch) =>
        Multiply(DefaultPath, a, w.Rows, m, w, bias, c, w.Columns, accumulate: false, scratch);

    /// <summary>Multiply on a chosen path with dense rows (tests reach every path the machine has).</summary>
    public static void Multiply(Int8Path path, ReadOnlySpan<float> a, int m, QuantizedMatrix w, ReadOnlySpan<float> bias, Span<float> c, Int8Scratch scratch) =>
        Multiply(path, a, w.Rows, m, w, bias, c, w.Columns, accumulate: false, scratch);

    /// <summary>
    /// C (M, N) (rows ldc apart) = or += quantize(A (M, K), rows lda apart) · W (+ bias), on the default path with this
    /// thread's scratch (a recurrent step's product).
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> a, int lda, int m, QuantizedMatrix w, Span<float> c, int ldc, bool accumulate) =>
        Multiply(DefaultPath, a, lda, m, w, [], c, ldc, accumulate, t_scratch ??= new Int8Scratch());

    /// <summary>C (M, N) (rows ldc apart) = quantize(A (M, K), rows lda apart) · W + bias, on the default path with this thread's scratch.</summary>
    public static void Multiply(ReadOnlySpan<float> a, int lda, int m, QuantizedMatrix w, ReadOnlySpan<float> bias, Span<float> c, int ldc) =>
        Multiply(DefaultPath, a, lda, m, w, bias, c, ldc, accumulate: false, t_scratch ??= new Int8Scratch());

    /// <summary>The general form: A rows lda apart, C rows ldc apart, C overwritten or added to.</summary>
    /// <exception cref="ArgumentException">Sizes disagree, or the path is not supported here.</exception>
    public static void Multiply(
        Int8Path path, ReadOnlySpan<float> a, int lda, int m, QuantizedMatrix w, ReadOnlySpan<float> bias, Span<float> c, int ldc, bool accumulate, Int8Scratch scratch)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(scratch);
        int k = w.Rows, n = w.Columns;
        if (m < 0 || lda < k || ldc < n || (m > 0 && (a.Length < ((m - 1) * lda) + k || c.Length < ((m - 1) * ldc) + n)) || (bias.Length != 0 && bias.Length != n))
        {
            throw new ArgumentException($"Int8 product of ({m}, {k}) by ({k}, {n}): A holds {a.Length} (rows {lda} apart), C {c.Length} (rows {ldc} apart), bias {bias.Length} (0 or {n}).", nameof(a));
        }

        if (!IsSupported(path))
        {
            throw new ArgumentException($"This machine does not run the {path} int8 path.", nameof(path));
        }

        // Rows in chunks: a chunk's int8 activations stay in L1/L2 while each weight panel is read once for all of them.
        int stride = w.Panels * QuantizedMatrix.PanelWidth;
        var scales = w.Scales.AsSpan();
        for (int start = 0; start < m; start += RowChunk)
        {
            int rows = Math.Min(RowChunk, m - start);
            scratch.Ensure(rows, w);
            var quantized = scratch.Activations[..(rows * w.PaddedRows)];
            var rowScales = scratch.RowScales[..rows];
            QuantizeRows(a[(start * lda)..], lda, rows, k, w.PaddedRows, quantized, rowScales);
            var sums = scratch.Sums[..(rows * stride)];
            Accumulate(path, quantized, rows, w, sums);
            for (int r = 0; r < rows; r++)
            {
                ToFloat(sums.Slice(r * stride, n), rowScales[r], scales, bias, c.Slice((start + r) * ldc, n), accumulate);
            }
        }
    }

    // c = (float)acc · rowScale · s (+ bias), or c += that; the vector loops do the same float operations in the same
    // order as the scalar tail, so the bits do not depend on the width.
    private static void ToFloat(ReadOnlySpan<int> acc, float rowScale, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias, Span<float> c, bool accumulate)
    {
        int n = acc.Length, j = 0;
        ref int sums = ref MemoryMarshal.GetReference(acc);
        ref float scale = ref MemoryMarshal.GetReference(scales);
        ref float target = ref MemoryMarshal.GetReference(c);
        bool hasBias = bias.Length != 0;
        ref float add = ref hasBias ? ref MemoryMarshal.GetReference(bias) : ref target;
        if (Vector512.IsHardwareAccelerated)
        {
            var row = Vector512.Create(rowScale);
            for (; j + 16 <= n; j += 16)
            {
                var value = Vector512.ConvertToSingle(Vector512.LoadUnsafe(ref sums, (nuint)j)) * row * Vector512.LoadUnsafe(ref scale, (nuint)j);
                value = hasBias ? value + Vector512.LoadUnsafe(ref add, (nuint)j) : value;
                (accumulate ? Vector512.LoadUnsafe(ref target, (nuint)j) + value : value).StoreUnsafe(ref target, (nuint)j);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var row = Vector256.Create(rowScale);
            for (; j + 8 <= n; j += 8)
            {
                var value = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref sums, (nuint)j)) * row * Vector256.LoadUnsafe(ref scale, (nuint)j);
                value = hasBias ? value + Vector256.LoadUnsafe(ref add, (nuint)j) : value;
                (accumulate ? Vector256.LoadUnsafe(ref target, (nuint)j) + value : value).StoreUnsafe(ref target, (nuint)j);
            }
        }

        for (; j < n; j++)
        {
            float value = acc[j] * rowScale * scales[j];
            value = hasBias ? value + bias[j] : value;
            c[j] = accumulate ? c[j] + value : value;
        }
    }

    // Rows quantized and multiplied together (their int8 activations: RowChunk · K bytes).
    private const int RowChunk = 64;

    /// <summary>Each row of A (M, K, rows lda apart) to int8 with its own scale, into rows of paddedK (the padding zero).</summary>
    internal static void QuantizeRows(ReadOnlySpan<float> a, int lda, int m, int k, int paddedK, Span<sbyte> quantized, Span<float> rowScales)
    {
        for (int r = 0; r < m; r++)
        {
            var row = a.Slice(r * lda, k);
            float max = MaxAbs(row);

            float scale = max / QuantizedMatrix.Limit;
            rowScales[r] = scale;
            var target = quantized.Slice(r * paddedK, paddedK);
            if (scale == 0 || !float.IsFinite(scale))
            {
                target.Clear();
                continue;
            }

            target[k..].Clear();
            float inverse = 1f / scale;
            int i = 0;
            ref float source = ref MemoryMarshal.GetReference(row);
            ref sbyte destination = ref MemoryMarshal.GetReference(target);
            if (Vector512.IsHardwareAccelerated)
            {
                // Round to nearest even, as MathF.Round(ToEven); the clamp keeps ±127; narrowing is then exact.
                var factor = Vector512.Create(inverse);
                var limit = Vector512.Create((float)QuantizedMatrix.Limit);
                for (; i + 64 <= k; i += 64)
                {
                    var q0 = Quantize16(Vector512.LoadUnsafe(ref source, (nuint)i), factor, limit);
                    var q1 = Quantize16(Vector512.LoadUnsafe(ref source, (nuint)(i + 16)), factor, limit);
                    var q2 = Quantize16(Vector512.LoadUnsafe(ref source, (nuint)(i + 32)), factor, limit);
                    var q3 = Quantize16(Vector512.LoadUnsafe(ref source, (nuint)(i + 48)), factor, limit);
                    Vector512.Narrow(Vector512.Narrow(q0, q1), Vector512.Narrow(q2, q3)).StoreUnsafe(ref destination, (nuint)i);
                }
            }

            if (Avx.IsSupported)
            {
                var factor = Vector256.Create(inverse);
                var limit = Vector256.Create((float)QuantizedMatrix.Limit);
                for (; i + 32 <= k; i += 32)
                {
                    var q0 = Quantize8(Vector256.LoadUnsafe(ref source, (nuint)i), factor, limit);
                    var q1 = Quantize8(Vector256.LoadUnsafe(ref source, (nuint)(i + 8)), factor, limit);
                    var q2 = Quantize8(Vector256.LoadUnsafe(ref source, (nuint)(i + 16)), factor, limit);
                    var q3 = Quantize8(Vector256.LoadUnsafe(ref source, (nuint)(i + 24)), factor, limit);
                    Vector256.Narrow(Vector256.Narrow(q0, q1), Vector256.Narrow(q2, q3)).StoreUnsafe(ref destination, (nuint)i);
                }
            }

            for (; i < k; i++)
            {
                target[i] = QuantizedMatrix.ToInt8(row[i] * inverse);
            }
        }
    }

    // max |x|, NaN if any x is NaN (so the row's results are NaN, as a float product's would be).
    private static float MaxAbs(ReadOnlySpan<float> row)
    {
        float max = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && row.Length >= 8)
        {
            var best = Vector256<float>.Zero;
            var nan = Vector256<float>.Zero;
            ref float source = ref MemoryMarshal.GetReference(row);
            if (Vector512.IsHardwareAccelerated && row.Length >= 16)
            {
                var best16 = Vector512<float>.Zero;
                var nan16 = Vector512<float>.Zero;
                for (; i + 16 <= row.Length; i += 16)
                {
                    var x = Vector512.LoadUnsafe(ref source, (nuint)i);
                    best16 = Vector512.Max(best16, Vector512.Abs(x));
                    nan16 |= ~Vector512.Equals(x, x);
                }

                best = Vector256.Max(best16.GetLower(), best16.GetUpper());
                nan = nan16.GetLower() | nan16.GetUpper();
            }

            for (; i + 8 <= row.Length; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref source, (nuint)i);
                best = Vector256.Max(best, Vector256.Abs(x));
                nan |= ~Vector256.Equals(x, x);
            }

            if (nan != Vector256<float>.Zero)
            {
                return float.NaN;
            }

            // No NaN and nothing negative: the maximum is the same in any order, so halve the vector three times.
            var half = Vector128.Max(best.GetLower(), best.GetUpper());
            half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(2, 3, 0, 1)));
            max = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(1, 0, 3, 2))).ToScalar();
        }

        for (; i < row.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(row[i]));
        }

        return max;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Quantize16(Vector512<float> x, Vector512<float> factor, Vector512<float> limit) =>
        Vector512.ConvertToInt32(Vector512.Min(Vector512.Max(Vector512.Round(x * factor), -limit), limit));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Quantize8(Vector256<float> x, Vector256<float> factor, Vector256<float> limit) =>
        Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Avx.RoundToNearestInteger(x * factor), -limit), limit));

    /// <summary>The exact int32 sums Σ_k x[r, k] · q[k, n] into rows of Panels × PanelWidth (padding columns 0).</summary>
    internal static void Accumulate(Int8Path path, ReadOnlySpan<sbyte> quantized, int m, QuantizedMatrix w, Span<int> sums)
    {
        switch (path)
        {
            case Int8Path.Avx2:
                Avx2Path(quantized, m, w, sums);
                break;
            case Int8Path.Avx512:
                Avx512Path(quantized, m, w, sums);
                break;
            case Int8Path.AvxVnni:
                VnniPath(quantized, m, w, sums);
                break;
            default:
                ScalarPath(quantized, m, w, sums);
                break;
        }
    }

    private static void ScalarPath(ReadOnlySpan<sbyte> quantized, int m, QuantizedMatrix w, Span<int> sums)
    {
        int k = w.Rows, n = w.Columns, stride = w.Panels * QuantizedMatrix.PanelWidth;
        sums.Slice(0, m * stride).Clear();
        for (int r = 0; r < m; r++)
        {
            var x = quantized.Slice(r * w.PaddedRows, k);
            var acc = sums.Slice(r * stride, n);
            for (int i = 0; i < k; i++)
            {
                int xi = x[i];
                var q = w.Values.AsSpan(i * n, n);
                for (int j = 0; j < n; j++)
                {
                    acc[j] += xi * q[j];
                }
            }
        }
    }

    // Per panel and row: for each group of 4 k, the 4 activations as int16 repeated (x0 x1 x2 x3 …), times 4 columns'
    // sign-extended values (c0k0 c0k1 c0k2 c0k3 c1k0 …) by vpmaddwd: int32 lanes (c0: k0+k1, c0: k2+k3, c1: …), added
    // up over K; the pairs of lanes are summed at the end. Panels outside, rows in pairs: the sign-extended weights of a
    // group serve two rows (16 registers hold 8 sums, 4 weights and 2 activations).
    private static void Avx2Path(ReadOnlySpan<sbyte> quantized, int m, QuantizedMatrix w, Span<int> sums)
    {
        int groups = w.PaddedRows / 4, stride = w.Panels * QuantizedMatrix.PanelWidth, k = w.PaddedRows;
        ref sbyte packed = ref MemoryMarshal.GetReference(w.Packed);
        ref byte activations = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(quantized));
        ref int target = ref MemoryMarshal.GetReference(sums);
        for (int p = 0; p < w.Panels; p++)
        {
            ref sbyte panel = ref Unsafe.Add(ref packed, p * k * QuantizedMatrix.PanelWidth);
            int r = 0;
            for (; r + 2 <= m; r += 2)
            {
                ref byte x = ref Unsafe.Add(ref activations, r * k);
                Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
                for (int g = 0; g < groups; g++)
                {
                    ref sbyte group = ref Unsafe.Add(ref panel, g * 64);
                    var w0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref group));
                    var w1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref group, 16)));
                    var w2 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref group, 32)));
                    var w3 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref group, 48)));
                    var x0 = Repeat256(ref Unsafe.Add(ref x, g * 4));
                    var x1 = Repeat256(ref Unsafe.Add(ref x, k + (g * 4)));
                    a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(x0, w0));
                    a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(x0, w1));
                    a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(x0, w2));
                    a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(x0, w3));
                    b0 = Avx2.Add(b0, Avx2.MultiplyAddAdjacent(x1, w0));
                    b1 = Avx2.Add(b1, Avx2.MultiplyAddAdjacent(x1, w1));
                    b2 = Avx2.Add(b2, Avx2.MultiplyAddAdjacent(x1, w2));
                    b3 = Avx2.Add(b3, Avx2.MultiplyAddAdjacent(x1, w3));
                }

                ref int row = ref Unsafe.Add(ref target, (r * stride) + (p * QuantizedMatrix.PanelWidth));
                StorePairSums(a0, a1, a2, a3, ref row);
                StorePairSums(b0, b1, b2, b3, ref Unsafe.Add(ref row, stride));
            }

            for (; r < m; r++)
            {
                ref byte x = ref Unsafe.Add(ref activations, r * k);
                Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int g = 0; g < groups; g++)
                {
                    ref sbyte group = ref Unsafe.Add(ref panel, g * 64);
                    var x16 = Repeat256(ref Unsafe.Add(ref x, g * 4));
                    a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(x16, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref group))));
                    a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(x16, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref group, 16)))));
                    a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(x16, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref group, 32)))));
                    a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(x16, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref group, 48)))));
                }

                StorePairSums(a0, a1, a2, a3, ref Unsafe.Add(ref target, (r * stride) + (p * QuantizedMatrix.PanelWidth)));
            }
        }
    }

    // Four int8 activations as int16, repeated across 256 bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Repeat256(ref byte x) =>
        Avx2.ConvertToVector256Int16(Vector128.Create(Unsafe.ReadUnaligned<int>(ref x)).AsSByte());

    // Sums of lane pairs of (a0..a3), 4 columns each: vphaddd pairs within 128-bit lanes, (a0, a1) → c0 c1 c4 c5 | c2 c3
    // c6 c7, and a permute puts them in order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePairSums(Vector256<int> a0, Vector256<int> a1, Vector256<int> a2, Vector256<int> a3, ref int target)
    {
        var order = Vector256.Create(0, 1, 4, 5, 2, 3, 6, 7);
        Avx2.PermuteVar8x32(Avx2.HorizontalAdd(a0, a1), order).StoreUnsafe(ref target);
        Avx2.PermuteVar8x32(Avx2.HorizontalAdd(a2, a3), order).StoreUnsafe(ref Unsafe.Add(ref target, 8));
    }

    // As Avx2Path with 8 columns per vpmaddwd (a0: columns 0–7, a1: 8–15), panels outside, rows in tiles of 4.
    private static void Avx512Path(ReadOnlySpan<sbyte> quantized, int m, QuantizedMatrix w, Span<int> sums)
    {
        int groups = w.PaddedRows / 4, stride = w.Panels * QuantizedMatrix.PanelWidth, k = w.PaddedRows;
        ref sbyte packed = ref MemoryMarshal.GetReference(w.Packed);
        ref byte activations = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(quantized));
        ref int target = ref MemoryMarshal.GetReference(sums);
        for (int p = 0; p < w.Panels; p++)
        {
            ref sbyte panel = ref Unsafe.Add(ref packed, p * k * QuantizedMatrix.PanelWidth);
            int r = 0;
            for (; r + 4 <= m; r += 4)
            {
                ref byte x = ref Unsafe.Add(ref activations, r * k);
                Vector512<int> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
                for (int g = 0; g < groups; g++)
                {
                    ref sbyte group = ref Unsafe.Add(ref panel, g * 64);
                    var w0 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref group));
                    var w1 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref Unsafe.Add(ref group, 32)));
                    var x0 = Repeat512(ref Unsafe.Add(ref x, g * 4));
                    var x1 = Repeat512(ref Unsafe.Add(ref x, k + (g * 4)));
                    var x2 = Repeat512(ref Unsafe.Add(ref x, (2 * k) + (g * 4)));
                    var x3 = Repeat512(ref Unsafe.Add(ref x, (3 * k) + (g * 4)));
                    a00 += Avx512BW.MultiplyAddAdjacent(x0, w0);
                    a01 += Avx512BW.MultiplyAddAdjacent(x0, w1);
                    a10 += Avx512BW.MultiplyAddAdjacent(x1, w0);
                    a11 += Avx512BW.MultiplyAddAdjacent(x1, w1);
                    a20 += Avx512BW.MultiplyAddAdjacent(x2, w0);
                    a21 += Avx512BW.MultiplyAddAdjacent(x2, w1);
                    a30 += Avx512BW.MultiplyAddAdjacent(x3, w0);
                    a31 += Avx512BW.MultiplyAddAdjacent(x3, w1);
                }

                ref int row = ref Unsafe.Add(ref target, (r * stride) + (p * QuantizedMatrix.PanelWidth));
                StorePairSums(a00, a01, ref row);
                StorePairSums(a10, a11, ref Unsafe.Add(ref row, stride));
                StorePairSums(a20, a21, ref Unsafe.Add(ref row, 2 * stride));
                StorePairSums(a30, a31, ref Unsafe.Add(ref row, 3 * stride));
            }

            for (; r < m; r++)
            {
                ref byte x = ref Unsafe.Add(ref activations, r * k);
                Vector512<int> a0 = default, a1 = default;
                for (int g = 0; g < groups; g++)
                {
                    ref sbyte group = ref Unsafe.Add(ref panel, g * 64);
                    var xs = Repeat512(ref Unsafe.Add(ref x, g * 4));
                    a0 += Avx512BW.MultiplyAddAdjacent(xs, Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref group)));
                    a1 += Avx512BW.MultiplyAddAdjacent(xs, Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref Unsafe.Add(ref group, 32))));
                }

                StorePairSums(a0, a1, ref Unsafe.Add(ref target, (r * stride) + (p * QuantizedMatrix.PanelWidth)));
            }
        }
    }

    // Four int8 activations as int16, repeated across 512 bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Repeat512(ref byte x) =>
        Avx512BW.ConvertToVector512Int16(Vector256.Create(Unsafe.ReadUnaligned<int>(ref x)).AsSByte());

    // Lanes 2j and 2j+1 of (a0, a1) belong to column j: the even lanes plus the odd lanes, 16 columns.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePairSums(Vector512<int> a0, Vector512<int> a1, ref int target)
    {
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        (Avx512F.PermuteVar16x32x2(a0, even, a1) + Avx512F.PermuteVar16x32x2(a0, even + Vector512<int>.One, a1)).StoreUnsafe(ref target);
    }

    // vpdpbusd takes unsigned activations: (x + 128) · q summed, then 128 · Σ q taken off again; exact in int32.
    // Panels outside, rows inside in tiles of 4: a panel's 64-byte groups are loaded once per 4 rows.
    private static void VnniPath(ReadOnlySpan<sbyte> quantized, int m, QuantizedMatrix w, Span<int> sums)
    {
        int groups = w.PaddedRows / 4, stride = w.Panels * QuantizedMatrix.PanelWidth, k = w.PaddedRows;
        ref sbyte packed = ref MemoryMarshal.GetReference(w.Packed);
        ref byte activations = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(quantized));
        ref int columnSums = ref MemoryMarshal.GetArrayDataReference(w.ColumnSums);
        ref int target = ref MemoryMarshal.GetReference(sums);
        var flip = Vector256.Create(0x80808080u).AsByte();
        int p = 0;
        if (Avx512F.VL.IsSupported && m >= 4)
        {
            // With 32 vector registers, tiles of 4 rows take two panels at a time: each broadcast activation serves 32
            // columns, so a vpdpbusd needs half a load instead of three quarters (16 sums, 4 weights and the activations
            // in registers). Fewer than 4 rows (a streaming step) keep the one-panel loop, which measured faster for them.
            for (; p + 2 <= w.Panels; p += 2)
            {
                ref sbyte panel = ref Unsafe.Add(ref packed, p * k * QuantizedMatrix.PanelWidth);
                ref sbyte next = ref Unsafe.Add(ref panel, k * QuantizedMatrix.PanelWidth);
                ref int sum = ref Unsafe.Add(ref columnSums, p * QuantizedMatrix.PanelWidth);
                var offset0 = Vector256.LoadUnsafe(ref sum) << 7;
                var offset1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref sum, 8)) << 7;
                var offset2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref sum, 16)) << 7;
                var offset3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref sum, 24)) << 7;
                int r = 0;
                for (; r + 4 <= m; r += 4)
                {
                    ref byte x = ref Unsafe.Add(ref activations, r * k);
                    Vector256<int> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
                    Vector256<int> a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
                    for (int g = 0; g < groups; g++)
                    {
                        ref sbyte group = ref Unsafe.Add(ref panel, g * 64);
                        ref sbyte group2 = ref Unsafe.Add(ref next, g * 64);
                        var w0 = Vector256.LoadUnsafe(ref group);
                        var w1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref group, 32));
                        var w2 = Vector256.LoadUnsafe(ref group2);
                        var w3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref group2, 32));
                        var x0 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref x, g * 4))).AsByte() ^ flip;
                        a00 = AvxVnni.MultiplyWideningAndAdd(a00, x0, w0);
                        a01 = AvxVnni.MultiplyWideningAndAdd(a01, x0, w1);
                        a02 = AvxVnni.MultiplyWideningAndAdd(a02, x0, w2);
                        a03 = AvxVnni.MultiplyWideningAndAdd(a03, x0, w3);
                        var x1 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref x, k + (g * 4)))).AsByte() ^ flip;
                        a10 = AvxVnni.MultiplyWideningAndAdd(a10, x1, w0);
                        a11 = AvxVnni.MultiplyWideningAndAdd(a11, x1, w1);
                        a12 = AvxVnni.MultiplyWideningAndAdd(a12, x1, w2);
                        a13 = AvxVnni.MultiplyWideningAndAdd(a13, x1, w3);
                        var x2 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref x, (2 * k) + (g * 4)))).AsByte() ^ flip;
                        a20 = AvxVnni.MultiplyWideningAndAdd(a20, x2, w0);
                        a21 = AvxVnni.MultiplyWideningAndAdd(a21, x2, w1);
                        a22 = AvxVnni.MultiplyWideningAndAdd(a22, x2, w2);
                        a23 = AvxVnni.MultiplyWideningAndAdd(a23, x2, w3);
                        var x3 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref x, (3 * k) + (g * 4)))).AsByte() ^ flip;
                        a30 = AvxVnni.MultiplyWideningAndAdd(a30, x3, w0);
                        a31 = AvxVnni.MultiplyWideningAndAdd(a31, x3, w1);
                        a32 = AvxVnni.MultiplyWideningAndAdd(a32, x3, w2);
                        a33 = AvxVnni.MultiplyWideningAndAdd(a33, x3, w3);
                    }

                    ref int row = ref Unsafe.Add(ref target, (r * stride) + (p * QuantizedMatrix.PanelWidth));
                    StoreRow(a00 - offset0, a01 - offset1, a02 - offset2, a03 - offset3, ref row);
                    StoreRow(a10 - offset0, a11 - offset1, a12 - offset2, a13 - offset3, ref Unsafe.Add(ref row, stride));
                    StoreRow(a20 - offset0, a21 - offset1, a22 - offset2, a23 - offset3, ref Unsafe.Add(ref row, 2 * stride));
                    StoreRow(a30 - offset0, a31 - offset1, a32 - offset2, a33 - offset3, ref Unsafe.Add(ref row, 3 * stride));
                }

                for (; r < m; r++)
                {
                    ref int row = ref Unsafe.Add(ref target, (r * stride) + (p * QuantizedMatrix.PanelWidth));
                    VnniRow(ref Unsafe.Add(ref activations, r * k), ref panel, groups, offset0, offset1, ref row);
                    VnniRow(ref Unsafe.Add(ref activations, r * k), ref next, groups, offset2, offset3, ref Unsafe.Add(ref row, QuantizedMatrix.PanelWidth));
                }
            }
        }

        for (; p < w.Panels; p++)
        {
            ref sbyte panel = ref Unsafe.Add(ref packed, p * k * QuantizedMatrix.PanelWidth);
            ref int sum = ref Unsafe.Add(ref columnSums, p * QuantizedMatrix.PanelWidth);
            var offset0 = Vector256.LoadUnsafe(ref sum) << 7;
            var offset1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref sum, 8)) << 7;
            int r = 0;
            for (; r + 4 <= m; r += 4)
            {
                ref byte x = ref Unsafe.Add(ref activations, r * k);
                Vector256<int> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
                for (int g = 0; g < groups; g++)
                {
                    ref sbyte group = ref Unsafe.Add(ref panel, g * 64);
                    var w0 = Vector256.LoadUnsafe(ref group);
                    var w1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref group, 32));
                    var x0 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref x, g * 4))).AsByte() ^ flip;
                    var x1 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref x, k + (g * 4)))).AsByte() ^ flip;
                    var x2 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref x, (2 * k) + (g * 4)))).AsByte() ^ flip;
                    var x3 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref x, (3 * k) + (g * 4)))).AsByte() ^ flip;
                    a00 = AvxVnni.MultiplyWideningAndAdd(a00, x0, w0);
                    a01 = AvxVnni.MultiplyWideningAndAdd(a01, x0, w1);
                    a10 = AvxVnni.MultiplyWideningAndAdd(a10, x1, w0);
                    a11 = AvxVnni.MultiplyWideningAndAdd(a11, x1, w1);
                    a20 = AvxVnni.MultiplyWideningAndAdd(a20, x2, w0);
                    a21 = AvxVnni.MultiplyWideningAndAdd(a21, x2, w1);
                    a30 = AvxVnni.MultiplyWideningAndAdd(a30, x3, w0);
                    a31 = AvxVnni.MultiplyWideningAndAdd(a31, x3, w1);
                }

                ref int row = ref Unsafe.Add(ref target, (r * stride) + (p * QuantizedMatrix.PanelWidth));
                (a00 - offset0).StoreUnsafe(ref row);
                (a01 - offset1).StoreUnsafe(ref Unsafe.Add(ref row, 8));
                (a10 - offset0).StoreUnsafe(ref Unsafe.Add(ref row, stride));
                (a11 - offset1).StoreUnsafe(ref Unsafe.Add(ref row, stride + 8));
                (a20 - offset0).StoreUnsafe(ref Unsafe.Add(ref row, 2 * stride));
                (a21 - offset1).StoreUnsafe(ref Unsafe.Add(ref row, (2 * stride) + 8));
                (a30 - offset0).StoreUnsafe(ref Unsafe.Add(ref row, 3 * stride));
                (a31 - offset1).StoreUnsafe(ref Unsafe.Add(ref row, (3 * stride) + 8));
            }

            for (; r < m; r++)
            {
                VnniRow(ref Unsafe.Add(ref activations, r * k), ref panel, groups, offset0, offset1, ref Unsafe.Add(ref target, (r * stride) + (p * QuantizedMatrix.PanelWidth)));
            }
        }
    }

    // 32 sums of one row, in column order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(Vector256<int> a0, Vector256<int> a1, Vector256<int> a2, Vector256<int> a3, ref int row)
    {
        a0.StoreUnsafe(ref row);
        a1.StoreUnsafe(ref Unsafe.Add(ref row, 8));
        a2.StoreUnsafe(ref Unsafe.Add(ref row, 16));
        a3.StoreUnsafe(ref Unsafe.Add(ref row, 24));
    }

    // One row times one panel. Groups go round four sets of sums, so four chains of vpdpbusd's latency overlap (a
    // streaming step is one row, and one set would wait on the latency at every group).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void VnniRow(ref byte x, ref sbyte panel, int groups, Vector256<int> offset0, Vector256<int> offset1, ref int row)
    {
        var flip = Vector256.Create(0x80808080u).AsByte();
        Vector256<int> a0 = default, a1 = default, b0 = default, b1 = default, c0 = default, c1 = default, d0 = default, d1 = default;
        int g = 0;
        for (; g + 4 <= groups; g += 4)
        {
            ref sbyte group = ref Unsafe.Add(ref panel, g * 64);
            // The four groups' activations in one load, each spread by a shuffle: a broadcast load per
            // group would add a quarter to the loads, which bound a one-row product.
            var x4 = (Vector256.Create(Vector128.LoadUnsafe(ref Unsafe.Add(ref x, g * 4))).AsByte() ^ flip).AsInt32();
            var xa = Avx2.Shuffle(x4, 0x00).AsByte();
            var xb = Avx2.Shuffle(x4, 0x55).AsByte();
            var xc = Avx2.Shuffle(x4, 0xAA).AsByte();
            var xd = Avx2.Shuffle(x4, 0xFF).AsByte();
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, xa, Vector256.LoadUnsafe(ref group));
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, xa, Vector256.LoadUnsafe(ref Unsafe.Add(ref group, 32)));
            b0 = AvxVnni.MultiplyWideningAndAdd(b0, xb, Vector256.LoadUnsafe(ref Unsafe.Add(ref group, 64)));
            b1 = AvxVnni.MultiplyWideningAndAdd(b1, xb, Vector256.LoadUnsafe(ref Unsafe.Add(ref group, 96)));
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, xc, Vector256.LoadUnsafe(ref Unsafe.Add(ref group, 128)));
            c1 = AvxVnni.MultiplyWideningAndAdd(c1, xc, Vector256.LoadUnsafe(ref Unsafe.Add(ref group, 160)));
            d0 = AvxVnni.MultiplyWideningAndAdd(d0, xd, Vector256.LoadUnsafe(ref Unsafe.Add(ref group, 192)));
            d1 = AvxVnni.MultiplyWideningAndAdd(d1, xd, Vector256.LoadUnsafe(ref Unsafe.Add(ref group, 224)));
        }

        for (; g < groups; g++)
        {
            ref sbyte group = ref Unsafe.Add(ref panel, g * 64);
            var xs = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref x, g * 4))).AsByte() ^ flip;
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, xs, Vector256.LoadUnsafe(ref group));
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, xs, Vector256.LoadUnsafe(ref Unsafe.Add(ref group, 32)));
        }

        a0 += c0;
        a1 += c1;
        b0 += d0;
        b1 += d1;

        (a0 + b0 - offset0).StoreUnsafe(ref row);
        (a1 + b1 - offset1).StoreUnsafe(ref Unsafe.Add(ref row, 8));
    }
}

/// <summary>The buffers of <see cref="Int8Gemm.Multiply(ReadOnlySpan{float}, int, QuantizedMatrix, ReadOnlySpan{float}, Span{float}, Int8Scratch)"/>, grown on demand and reused, so steady-state calls allocate nothing. One thread at a time.</summary>
internal sealed class Int8Scratch
{
    private AlignedBuffer<sbyte> _activations;
    private AlignedBuffer<float> _rowScales;
    private AlignedBuffer<int> _sums;

    /// <summary>The quantized activations, rows of PaddedRows.</summary>
    public Span<sbyte> Activations => _activations.Span;

    /// <summary>One scale per activation row.</summary>
    public Span<float> RowScales => _rowScales.Span;

    /// <summary>The int32 sums, rows of whole panels.</summary>
    public Span<int> Sums => _sums.Span;

    /// <summary>Grows the buffers for m rows times w (64-byte aligned, as the packed weights).</summary>
    public void Ensure(int m, QuantizedMatrix w)
    {
        _activations = _activations.AtLeast(m * w.PaddedRows);
        _rowScales = _rowScales.AtLeast(m);
        _sums = _sums.AtLeast(m * w.Panels * QuantizedMatrix.PanelWidth);
    }
}
