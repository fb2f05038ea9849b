using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Gated.Serving;

/// <summary>
/// The server's Prometheus metrics (text exposition format 0.0.4): requests by route and status, a latency
/// histogram by route, and live sessions.
/// </summary>
internal sealed class ServerMetrics
{
    /// <summary>Upper bounds of the latency buckets, in seconds.</summary>
    public static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly ConcurrentDictionary<(string Route, int Status), long[]> _requests = new();
    private readonly ConcurrentDictionary<string, Histogram> _latency = new(StringComparer.Ordinal);

    public void Record(string route, int status, double seconds)
    {
        var counter = _requests.GetOrAdd((route, status), _ => new long[1]);
        Interlocked.Increment(ref counter[0]);
        _latency.GetOrAdd(route, _ => new Histogram()).Observe(seconds);
    }

    public string Render(int liveSessions)
    {
        var text = new StringBuilder();
        text.Append("# HELP gated_requests_total HTTP requests answered, by route and status.\n# TYPE gated_requests_total counter\n");
        foreach (var ((route, status), counter) in _requests.OrderBy(p => p.Key.Route, StringComparer.Ordinal).ThenBy(p => p.Key.Status))
        {
            text.Append(CultureInfo.InvariantCulture, $"gated_requests_total{{route=\"{route}\",status=\"{status}\"}} {Interlocked.Read(ref counter[0])}\n");
        }

        text.Append("# HELP gated_request_duration_seconds Time from the request's start to its answer, by route.\n# TYPE gated_request_duration_seconds histogram\n");
        foreach (var (route, histogram) in _latency.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            histogram.Render(text, route);
        }

        text.Append(CultureInfo.InvariantCulture, $"# HELP gated_sessions_live Streaming sessions alive now.\n# TYPE gated_sessions_live gauge\ngated_sessions_live {liveSessions}\n");
        return text.ToString();
    }

    private sealed class Histogram
    {
        private readonly long[] _counts = new long[Buckets.Length + 1];
        private long _sumMicroseconds;

        public void Observe(double seconds)
        {
            int bucket = Array.FindIndex(Buckets, b => seconds <= b);
            Interlocked.Increment(ref _counts[bucket < 0 ? Buckets.Length : bucket]);
            Interlocked.Add(ref _sumMicroseconds, (long)(seconds * 1e6));
        }

        public void Render(StringBuilder text, string route)
        {
            long cumulative = 0;
            for (int b = 0; b <= Buckets.Length; b++)
            {
                cumulative += Interlocked.Read(ref _counts[b]);
                string le = b < Buckets.Length ? Buckets[b].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                text.Append(CultureInfo.InvariantCulture, $"gated_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {cumulative}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"gated_request_duration_seconds_sum{{route=\"{route}\"}} {Interlocked.Read(ref _sumMicroseconds) / 1e6}\n");
            text.Append(CultureInfo.InvariantCulture, $"gated_request_duration_seconds_count{{route=\"{route}\"}} {cumulative}\n");
        }
    }
}
