using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Gated.Models;

namespace Gated.Serving;

/// <summary>
/// The live streaming sessions: each a model stream whose state stays on the server between requests, addressed
/// by a random id. Sessions idle longer than the timeout are ended by a sweep; creating one beyond the cap is a 429.
/// </summary>
internal sealed class SessionStore : IDisposable
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly TimeSpan _idleTimeout;
    private readonly int _maxSessions;
    private readonly Timer _sweeper;
    private int _count;

    public SessionStore(TimeSpan idleTimeout, int maxSessions)
    {
        _idleTimeout = idleTimeout;
        _maxSessions = maxSessions;
        var period = TimeSpan.FromTicks(Math.Clamp(idleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(5).Ticks));
        _sweeper = new Timer(_ => Sweep(), null, period, period);
    }

    public int Count => Volatile.Read(ref _count);

    public TimeSpan IdleTimeout => _idleTimeout;

    public Session Create(ServedModel model)
    {
        if (Interlocked.Increment(ref _count) > _maxSessions)
        {
            Interlocked.Decrement(ref _count);
            throw new RequestException(429, $"{_maxSessions} sessions are live, the most this server keeps; end one (DELETE) or retry later");
        }

        try
        {
            var session = new Session(NewId(), model, model.CreateStream());
            _sessions[session.Id] = session;
            return session;
        }
        catch
        {
            Interlocked.Decrement(ref _count);
            throw;
        }
    }

    /// <summary>The session of this model with this id, marked as used; 404 when there is none.</summary>
    public Session Get(ServedModel model, string id)
    {
        if (!_sessions.TryGetValue(id, out var session) || session.Model != model)
        {
            throw RequestException.NotFound($"session '{id}' of model '{model.Name}' does not exist (it ended, expired after {_idleTimeout.TotalSeconds:0.#} s idle, or lived on a server that restarted); create a new one with POST /v1/models/{model.Name}/sessions");
        }

        session.Touch();
        return session;
    }

    public void Remove(ServedModel model, string id)
    {
        var session = Get(model, id);
        if (_sessions.TryRemove(new KeyValuePair<string, Session>(id, session)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    public void Dispose() => _sweeper.Dispose();

    internal void Sweep()
    {
        long now = Stopwatch.GetTimestamp();
        foreach (var (id, session) in _sessions)
        {
            if (Stopwatch.GetElapsedTime(session.LastUsed, now) > _idleTimeout
                && _sessions.TryRemove(new KeyValuePair<string, Session>(id, session)))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>One live stream; steps on it are serialized (a client may send two at once), other sessions run in parallel.</summary>
    internal sealed class Session(string id, ServedModel model, ModelStream stream)
    {
        private long _lastUsed = Stopwatch.GetTimestamp();

        public string Id { get; } = id;

        public ServedModel Model { get; } = model;

        public ModelStream Stream { get; } = stream;

        public object Gate { get; } = new();

        public long LastUsed => Volatile.Read(ref _lastUsed);

        public void Touch() => Volatile.Write(ref _lastUsed, Stopwatch.GetTimestamp());
    }
}
