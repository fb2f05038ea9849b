namespace Gated.Kernels;

/// <summary>Which <see cref="Gemm"/> implementation runs; <see cref="Gemm.DefaultPath"/> is the widest accelerated one.</summary>
internal enum GemmPath
{
    /// <summary>The plain triple loop, <see cref="GemmScalar"/>.</summary>
    Scalar,

    /// <summary>Packed, 6×8 register tiles of Vector128.</summary>
    Vector128,

    /// <summary>Packed, 4×24 register tiles of Vector256.</summary>
    Vector256,

    /// <summary>Packed, 8×32 register tiles of Vector512.</summary>
    Vector512,
}
