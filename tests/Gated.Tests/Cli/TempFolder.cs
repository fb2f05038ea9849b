namespace Gated.Tests.Cli;

/// <summary>A fresh folder under the system temp path, deleted on Dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gated-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name, string? contents = null)
    {
        string full = System.IO.Path.Combine(Path, name);
        if (contents is not null)
        {
            System.IO.File.WriteAllText(full, contents);
        }

        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
