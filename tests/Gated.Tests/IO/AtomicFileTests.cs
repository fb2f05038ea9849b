using System.Text;
using Gated.IO;
using Gated.Tests.Cli;
using Xunit;

namespace Gated.Tests.IO;

/// <summary>
/// AtomicFile: the whole file lands under its own name and no temporary file stays behind; a writer that throws
/// leaves the old file (or no file) exactly as it was; a missing folder is created; arguments are named.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void WritesEveryByteAndLeavesOnlyTheFile()
    {
        string path = _folder.File("data.bin");
        // More than one FileStream buffer (4 KiB), with a pattern that a lost or repeated block would break.
        var bytes = new byte[300_001];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((i * 7) + (i >> 8));
        }

        AtomicFile.Write(path, stream => stream.Write(bytes));

        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void ReplacesAnExistingFileOnSuccess()
    {
        string path = _folder.File("model.txt", "old contents, longer than the new ones");

        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void AWriterThatThrowsLeavesTheOldFileAndNoTemporary()
    {
        string path = _folder.File("model.txt", "old");
        var failure = new InvalidOperationException("disk full, say");

        var thrown = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(Encoding.UTF8.GetBytes("half a new fi"));
            throw failure;
        }));

        Assert.Same(failure, thrown);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void AWriterThatThrowsCreatesNoFile()
    {
        string path = _folder.File("never.txt");

        Assert.Throws<OutputPathException>(() => AtomicFile.Write(path, _ => throw new IOException("no")));

        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void AnIoFailureNamesTheUsersPathNotTheTemporaryFile()
    {
        string path = _folder.File("y.npy");

        // As the system words a failed write: with the path of the file being written, here the temporary one.
        var e = Assert.Throws<OutputPathException>(() => AtomicFile.Write(path, stream => throw new IOException($"No space left on device : '{((FileStream)stream).Name}'")));

        Assert.Equal(path, e.Path);
        Assert.Contains($"'{path}'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", e.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(e.InnerException);
    }

    [Fact]
    public void CreatesAFolderThatDoesNotExist()
    {
        string path = Path.Combine(_folder.Path, "a", "b", "out.txt");

        AtomicFile.WriteAllText(path, "x");

        Assert.Equal("x", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(Path.Combine(_folder.Path, "a", "b")));
    }

    [Fact]
    public void WriteAllTextIsUtf8WithoutAByteOrderMark()
    {
        string path = _folder.File("text.txt");

        AtomicFile.WriteAllText(path, "h\u00e9\u2192");

        Assert.Equal([(byte)'h', 0xC3, 0xA9, 0xE2, 0x86, 0x92], File.ReadAllBytes(path));
    }

    [Fact]
    public void RefusesAMissingPathOrWriterNamingIt()
    {
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => AtomicFile.Write(null!, _ => { })).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => AtomicFile.Write("", _ => { })).ParamName);
        Assert.Equal("write", Assert.Throws<ArgumentNullException>(() => AtomicFile.Write(_folder.File("f"), null!)).ParamName);
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }
    [Fact]
    public void ARegularFileOnThePathIsRefusedAsAnOutputPathError()
    {
        string file = _folder.File("notes.txt", "keep");

        var e = Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllText(Path.Combine(file, "model.txt"), "x"));

        Assert.Contains("notes.txt is a file", e.Message, StringComparison.Ordinal);
        Assert.Equal("keep", File.ReadAllText(file));
    }

    [Fact]
    public void AReadOnlyFileIsRefusedAndKept()
    {
        string path = _folder.File("model.txt", "precious");
        File.SetAttributes(path, FileAttributes.ReadOnly);
        try
        {
            var e = Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllText(path, "new"));

            Assert.Contains("read-only", e.Message, StringComparison.Ordinal);
            Assert.Equal(path, e.Path);
            Assert.Equal("precious", File.ReadAllText(path));
            Assert.Equal([path], Directory.GetFiles(_folder.Path));
        }
        finally
        {
            File.SetAttributes(path, FileAttributes.Normal);
        }
    }

    [Fact]
    public void ASymbolicLinkIsFollowedTheFileItPointsToReplacedAndTheLinkKept()
    {
        string target = _folder.File("real.txt", "old");
        string link = Path.Combine(_folder.Path, "link.txt");
        File.CreateSymbolicLink(link, target);

        AtomicFile.WriteAllText(link, "new");

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal("new", File.ReadAllText(link));
        Assert.Equal(2, Directory.GetFiles(_folder.Path).Length);
    }

    [Fact]
    public void ALinkToAReadOnlyFileIsRefused()
    {
        string target = _folder.File("real.txt", "old");
        string link = Path.Combine(_folder.Path, "link.txt");
        File.CreateSymbolicLink(link, target);
        File.SetAttributes(target, FileAttributes.ReadOnly);
        try
        {
            Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllText(link, "new"));
            Assert.Equal("old", File.ReadAllText(target));
        }
        finally
        {
            File.SetAttributes(target, FileAttributes.Normal);
        }
    }

    [Fact]
    public void TemporariesLeftByAKilledWriterAreRemovedOnTheNextWrite()
    {
        string path = _folder.File("model.txt", "old");
        string guid = Guid.NewGuid().ToString("N");
        string stale = _folder.File($".model.txt.{OutputSetTests.DeadPid}.{guid}.tmp", "debris");
        string live = _folder.File($".model.txt.{Environment.ProcessId}.{guid}.tmp", "a writer at work");
        string look = _folder.File($".model.txt.{OutputSetTests.DeadPid}.{guid}.tmp.bak", "not our name");

        AtomicFile.WriteAllText(path, "new");

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(look));
        Assert.Equal("new", File.ReadAllText(path));
    }
}
