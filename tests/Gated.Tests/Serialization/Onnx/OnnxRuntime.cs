using Gated.Tensors;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace Gated.Tests.Serialization.Onnx;

/// <summary>
/// Runs an ONNX file in ONNX Runtime in this process (the Microsoft.ML.OnnxRuntime package, whose native library for
/// each platform ships under runtimes/), on float32 inputs. A file ONNX Runtime rejects fails the test with the
/// runtime's message.
/// </summary>
internal static class OnnxRuntime
{
    public static Tensor Run(string modelPath, Tensor input) => RunAll(modelPath, [input])[0].Value;

    /// <summary>Runs the file on one float32 tensor per graph input, in the file's input order; returns every output with its name, in the file's order.</summary>
    public static IReadOnlyList<(string Name, Tensor Value)> RunAll(string modelPath, IReadOnlyList<Tensor> inputs)
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
            Assert.Equal(inputs.Count, session.InputNames.Count);
            var values = inputs.Select(x => OrtValue.CreateTensorValueFromMemory(x.Data, [.. x.Shape.Select(d => (long)d)])).ToArray();
            try
            {
                using var runOptions = new RunOptions();
                using var results = session.Run(runOptions, session.InputNames, values, session.OutputNames);
                var outputs = new List<(string, Tensor)>();
                for (int k = 0; k < results.Count; k++)
                {
                    int[] shape = [.. results[k].GetTensorTypeAndShape().Shape.Select(d => checked((int)d))];
                    outputs.Add((session.OutputNames[k], new Tensor(results[k].GetTensorDataAsSpan<float>().ToArray(), shape)));
                }

                return outputs;
            }
            finally
            {
                foreach (var value in values)
                {
                    value.Dispose();
                }
            }
        }
    }

    /// <summary>The graph's input names, in order, as ONNX Runtime reads them.</summary>
    public static IReadOnlyList<string> InputNames(string modelPath)
    {
        using var session = new InferenceSession(modelPath);
        return [.. session.InputNames];
    }

    /// <summary>The names and values of the file's metadata_props, as ONNX Runtime reads them.</summary>
    public static IReadOnlyDictionary<string, string> Metadata(string modelPath)
    {
        using var session = new InferenceSession(modelPath);
        return new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap);
    }
}
