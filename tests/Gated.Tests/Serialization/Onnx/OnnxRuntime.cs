using Gated.Tensors;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace Gated.Tests.Serialization.Onnx;

/// <summary>
/// Runs an ONNX file in ONNX Runtime in this process (the Microsoft.ML.OnnxRuntime package, whose native library for
/// each platform ships under runtimes/), on one float32 input, and returns its first output. A file ONNX Runtime
/// rejects fails the test with the runtime's message.
/// </summary>
internal static class OnnxRuntime
{
    public static Tensor Run(string modelPath, Tensor input)
    {
        // One thread: the suite already runs test classes in parallel.
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            Assert.Fail($"ONNX Runtime rejected {modelPath}: {e.Message}");
            throw;
        }

        using (session)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(input.Data, [.. input.Shape.Select(d => (long)d)]);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [session.InputNames[0]], [value], [session.OutputNames[0]]);
            var output = results[0];
            int[] shape = [.. output.GetTensorTypeAndShape().Shape.Select(d => checked((int)d))];
            return new Tensor(output.GetTensorDataAsSpan<float>().ToArray(), shape);
        }
    }

    /// <summary>The names and values of the file's metadata_props, as ONNX Runtime reads them.</summary>
    public static IReadOnlyDictionary<string, string> Metadata(string modelPath)
    {
        using var session = new InferenceSession(modelPath);
        return new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap);
    }
}
