using Gated.Cli;
using Gated.Data;
using Gated.Forecasting;
using Gated.IO;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Cli;

public sealed class UserErrorsTests
{
    public static TheoryData<Exception, bool> Exceptions => new()
    {
        { new UsageException("x"), true },
        { new DataFormatException("x"), true },
        { new ModelFormatException("x"), true },
        { new InvalidOptionException("Epochs", 0, "must be a positive integer"), true },
        { new FileNotFoundException("x"), true },
        { new DirectoryNotFoundException("x"), true },
        { new NotSupportedException("x"), true },
        { new TrainingDivergedException(float.NaN, 1, 1), true },
        // Thrown from inside the library these are bugs, not the user's input: exit 1.
        { new ArgumentException("x"), false },
        { new ArgumentOutOfRangeException("x"), false },
        { new InvalidOperationException("x"), false },
        { new ArithmeticException("x"), false },
        { new NullReferenceException("x"), false },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void OnlyTheCliChecksAndTheLibrarysDocumentedInputExceptionsAreUserErrors(Exception e, bool userError)
    {
        Assert.Equal(userError, UserErrors.IsUserError(e));
    }

    [Fact]
    public void AnInvalidOptionIsShownByTheFlagThatFillsIt()
    {
        var bench = Program.CreateRoot().Subcommands.Single(c => c.Name == "bench");
        var e = new InvalidOptionException("units", 0, "must be a positive integer");
        Assert.Equal("--hidden must be a positive integer, got '0'", UserErrors.Describe(e, bench));
        var forecast = Program.CreateRoot().Subcommands.Single(c => c.Name == "forecast");
        Assert.Equal("--batch-size must be a positive integer, got '0'", UserErrors.Describe(new InvalidOptionException("BatchSize", 0, "must be a positive integer"), forecast));
        Assert.StartsWith("--cell-variant applies", UserErrors.Describe(new InvalidOptionException("Variant", 1, "applies only to GRU cells"), forecast), StringComparison.Ordinal);
    }

    [Fact]
    public void VersionAndHelpGoToStdout()
    {
        var (code, stdout, stderr) = CliRunner.Run("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout);
        Assert.Empty(stderr);

        foreach (string[] args in new[] { new[] { "help", "forecast" }, ["forecast", "--help"] })
        {
            (code, stdout, stderr) = CliRunner.Run(args);
            Assert.Equal(0, code);
            Assert.Contains("--window", stdout, StringComparison.Ordinal);
            Assert.Contains($"[default: {new ForecastOptions().Window}]", stdout, StringComparison.Ordinal);
            Assert.Contains($"(keras-tutorial: {new TutorialOptions().Window})", stdout, StringComparison.Ordinal);
            Assert.Contains("[default: gru]", stdout, StringComparison.Ordinal);
            Assert.Empty(stderr);
        }

        (code, stdout, _) = CliRunner.Run();
        Assert.Equal(0, code);
        foreach (string command in new[] { "forecast", "predict", "convert", "inspect", "compare", "bench" })
        {
            Assert.Contains(command, stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("forecast --epochs 2 --epochs 3", "--epochs is given twice")]
    [InlineData("forecast --window", "--window needs a value")]
    [InlineData("forecast --seed -1", "--seed must be a non-negative integer, got '-1'")]
    [InlineData("help forcast", "unknown command 'forcast'")]
    [InlineData("bench --json=yes", "")]
    public void ParseErrorsAreOneLineOnStderrAndExitTwo(string command, string expected)
    {
        var (code, stdout, stderr) = CliRunner.Run(command.Split(' '));
        Assert.Equal(2, code);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }
}
