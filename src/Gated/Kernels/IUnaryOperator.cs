using System.Runtime.Intrinsics;

namespace Gated.Kernels;

/// <summary>
/// An element-wise float function with one implementation per vector width, run by <see cref="UnaryLoop"/>.
/// Every width must compute the same formula so that results do not depend on an element's position.
/// </summary>
internal interface IUnaryOperator
{
    static abstract float Invoke(float x);

    static abstract Vector128<float> Invoke(Vector128<float> x);

    static abstract Vector256<float> Invoke(Vector256<float> x);

    static abstract Vector512<float> Invoke(Vector512<float> x);
}
