using Gated.Data;
using Gated.Serialization;
using Gated.Tensors;

namespace Gated.Cli;

/// <summary>Reads and writes the CLI's data files by extension: .npy (any rank) or .csv (one sample per row).</summary>
internal static class TensorFiles
{
    public static Tensor Read(string path, string flag) => (Extension(path, flag), File.Exists(path)) switch
    {
        (_, false) => throw new UsageException($"--{flag} {path}: file not found"),
        (".npy", _) => NpyFile.ReadData(path),
        _ => TensorCsv.Read(path),
    };

    public static void Write(string path, Tensor tensor, string flag)
    {
        if (Extension(path, flag) == ".npy")
        {
            NpyFile.Write(path, tensor);
        }
        else
        {
            TensorCsv.Write(path, tensor);
        }
    }

    /// <summary>Checks the extension before any work, so a typo is reported before training or loading.</summary>
    public static string Extension(string path, string flag)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".npy" or ".csv" ? extension : throw new UsageException($"--{flag} {path}: use a .npy or .csv file");
    }
}
