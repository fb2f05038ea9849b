using Gated.IO;
using Gated.Tests.Cli;
using Xunit;

namespace Gated.Tests.IO;

/// <summary>
/// OutputSet: every destination is checked when the set is made; the files are replaced together or not at all;
/// nothing temporary stays behind.
/// </summary>
public sealed class OutputSetTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ADestinationThatIsAFolderIsRefusedBeforeAnythingIsWritten()
    {
        string model = _folder.File("model.bin", "old model");
        string plot = Path.Combine(_folder.Path, "plot.svg");
        Directory.CreateDirectory(plot);

        var e = Assert.Throws<OutputPathException>(() => new OutputSet([model, plot]));

        Assert.Equal(plot, e.Path);
        Assert.Contains("plot.svg", e.Message, StringComparison.Ordinal);
        Assert.Contains("folder", e.Message, StringComparison.Ordinal);
        Assert.Equal("old model", File.ReadAllText(model));
    }

    [Fact]
    public void ADestinationUnderARegularFileIsRefused()
    {
        string file = _folder.File("notes.txt", "x");

        var e = Assert.Throws<OutputPathException>(() => new OutputSet([Path.Combine(file, "out", "model.bin")]));

        Assert.Contains("notes.txt is a file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AReadOnlyFolderIsRefused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string folder = Path.Combine(_folder.Path, "locked");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var e = Assert.Throws<OutputPathException>(() => new OutputSet([Path.Combine(folder, "sub", "model.bin")]));
            Assert.Contains("read-only", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void AllFilesAreReplacedOnCommitAndNoneBefore()
    {
        string a = _folder.File("a.txt", "old a");
        string b = Path.Combine(_folder.Path, "sub", "b.txt");
        using var outputs = new OutputSet([a, b]);

        outputs.Write(a, path => File.WriteAllText(path, "new a"));
        outputs.Write(b, (Stream stream) => stream.Write("new b"u8));
        Assert.Equal("old a", File.ReadAllText(a));
        Assert.False(File.Exists(b));

        outputs.Commit();
        Assert.Equal("new a", File.ReadAllText(a));
        Assert.Equal("new b", File.ReadAllText(b));
        Assert.Equal([a], Directory.GetFiles(_folder.Path));
        Assert.Equal([b], Directory.GetFiles(Path.GetDirectoryName(b)!));
    }

    [Fact]
    public void AFailureWritingTheLastFileLeavesEveryOldFileAndNoTemporary()
    {
        string a = _folder.File("model.bin", "old model");
        string b = _folder.File("loss.svg", "old loss");
        string c = _folder.File("forecast.svg", "old forecast");
        using (var outputs = new OutputSet([a, b, c]))
        {
            outputs.Write(a, path => File.WriteAllText(path, "new model"));
            outputs.Write(b, path => File.WriteAllText(path, "new loss"));
            Assert.Throws<InvalidOperationException>(() => outputs.Write(c, path =>
            {
                File.WriteAllText(path, "half");
                throw new InvalidOperationException("disk full, say");
            }));
        }

        Assert.Equal("old model", File.ReadAllText(a));
        Assert.Equal("old loss", File.ReadAllText(b));
        Assert.Equal("old forecast", File.ReadAllText(c));
        Assert.Equal(3, Directory.GetFiles(_folder.Path).Length);
    }

    [Fact]
    public void CommitRefusesAFileThatWasNotWritten()
    {
        string a = Path.Combine(_folder.Path, "a.txt");
        string b = Path.Combine(_folder.Path, "b.txt");
        using var outputs = new OutputSet([a, b]);
        outputs.Write(a, path => File.WriteAllText(path, "a"));

        Assert.Throws<InvalidOperationException>(outputs.Commit);
        Assert.False(File.Exists(a));
    }

    [Fact]
    public void StaleTemporariesOfEarlierRunsAreRemovedAndOthersKept()
    {
        string model = _folder.File("model.bin", "old");
        string guid = Guid.NewGuid().ToString("N");
        string stale = _folder.File($".model.bin.{DeadPid}.{guid}.tmp", "debris");
        string staleNested = _folder.File($"..model.bin.{DeadPid}.{guid}.tmp.{DeadPid}.{guid}.tmp", "debris");
        string live = _folder.File($".model.bin.{Environment.ProcessId}.{guid}.tmp", "another writer's");
        string user = _folder.File(".model.bin.backup.tmp", "the user's own");
        string other = _folder.File($".other.bin.{DeadPid}.{guid}.tmp", "not ours to judge");

        using var outputs = new OutputSet([model]);

        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(staleNested));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(user));
        Assert.True(File.Exists(other));
    }

    /// <summary>A process id no system hands out (above Linux's largest pid_max and Windows' usual range).</summary>
    internal const int DeadPid = 2_000_000_000;
}
