using System.Text.Json;
using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Serialization.Onnx;

/// <summary>A tensor as the ONNX fixtures write it: {"shape": [...], "data": [...]}.</summary>
internal static class OnnxTestCase
{
    public static Tensor Read(JsonElement element) =>
        new([.. element.GetProperty("data").EnumerateArray().Select(v => v.GetSingle())], [.. element.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32())]);

    public static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected.Data[i] - actual.Data[i]) <= tolerance, $"element {i}: expected {expected.Data[i]}, got {actual.Data[i]}");
        }
    }
}
