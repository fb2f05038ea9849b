using Gated.IO;
using Xunit;

namespace Gated.Tests.IO;

/// <summary>ModelFormatException keeps the message it is given and the exception that caused it.</summary>
public class ModelFormatExceptionTests
{
    [Fact]
    public void KeepsTheMessageAndTheCause()
    {
        var cause = new EndOfStreamException("8 bytes short");

        var e = new ModelFormatException("m.safetensors: truncated header", cause);

        Assert.Equal("m.safetensors: truncated header", e.Message);
        Assert.Same(cause, e.InnerException);
        Assert.Null(new ModelFormatException("bad").InnerException);
        Assert.Equal("bad", new ModelFormatException("bad").Message);
    }
}
