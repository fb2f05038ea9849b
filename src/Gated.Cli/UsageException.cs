namespace Gated.Cli;

/// <summary>A mistake in how the command was called, found by the command line itself: exit code 2, one line, no stack trace.</summary>
internal sealed class UsageException(string message) : Exception(message);
