using System.Globalization;

namespace Gated.Training;

/// <summary>
/// Updates a model's flat parameter buffer from its flat gradient buffer. Optional clipping by global norm
/// (Keras's global_clipnorm): when ‖g‖₂ over all parameters exceeds the limit, g is scaled to that norm.
/// The learning rate is either a value (which callbacks such as ReduceLROnPlateau may change) or a
/// <see cref="LearningRateSchedule"/> evaluated at the number of updates made so far, as Keras does; never both.
/// Everything an optimizer remembers between updates (<see cref="Iterations"/>, the learning rate, the
/// per-parameter buffers of <see cref="GetState"/>) can be read and restored, so a checkpoint continues bit for bit.
/// </summary>
public abstract class Optimizer
{
    private float _learningRate;
    private float? _globalClipNorm;

    // One buffer per StateNames entry, each as long as the parameters; null until the first update or SetState.
    private float[][]? _state;

    /// <summary>An optimizer with a fixed (settable) learning rate.</summary>
    protected Optimizer(float learningRate)
    {
        LearningRate = learningRate;
    }

    /// <summary>An optimizer whose learning rate follows schedule.</summary>
    protected Optimizer(LearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Schedule = schedule;
    }

    /// <summary>For subclasses whose public constructors take either a rate or a schedule.</summary>
    private protected Optimizer(float learningRate, LearningRateSchedule? schedule)
    {
        if (schedule is null)
        {
            LearningRate = learningRate;
        }
        else
        {
            Schedule = schedule;
        }
    }

    /// <summary>Short name as Keras spells it: "adam", "adamw", "sgd", "rmsprop".</summary>
    public abstract string Name { get; }

    /// <summary>The schedule the learning rate follows, or null for a fixed (settable) rate.</summary>
    public LearningRateSchedule? Schedule { get; }

    /// <summary>
    /// The rate the next update will use. With a <see cref="Schedule"/> it is Schedule.Rate(Iterations) and cannot be
    /// set (InvalidOperationException), so a callback cannot silently fight the schedule.
    /// </summary>
    public float LearningRate
    {
        get => Schedule?.Rate(Iterations) ?? _learningRate;
        set
        {
            if (Schedule is not null)
            {
                throw new InvalidOperationException(
                    $"This {Name} optimizer follows the learning-rate schedule {Schedule}; its learning rate cannot be set.");
            }

            if (!float.IsFinite(value) || value <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "Learning rate must be a positive finite number.");
            }

            _learningRate = value;
        }
    }

    /// <summary>Largest allowed L2 norm of all gradients together; null means no clipping.</summary>
    public float? GlobalClipNorm
    {
        get => _globalClipNorm;
        init
        {
            if (value is float v && (!float.IsFinite(v) || v <= 0))
            {
                throw new ArgumentOutOfRangeException(nameof(GlobalClipNorm), v, "Clip norm must be a positive finite number.");
            }

            _globalClipNorm = value;
        }
    }

    /// <summary>How many updates have been applied.</summary>
    public long Iterations { get; private set; }

    /// <summary>Names of the per-parameter buffers this optimizer keeps (e.g. "m", "v"); fixed at construction.</summary>
    public abstract IReadOnlyList<string> StateNames { get; }

    /// <summary>Applies one update. Gradients may be scaled in place by clipping.</summary>
    public void Step(Span<float> parameters, Span<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"{parameters.Length} parameters but {gradients.Length} gradients.", nameof(gradients));
        }

        if (_state is null)
        {
            _state = new float[StateNames.Count][];
            for (int i = 0; i < _state.Length; i++)
            {
                _state[i] = new float[parameters.Length];
            }
        }
        else if (_state.Length > 0 && _state[0].Length != parameters.Length)
        {
            // Silently starting fresh buffers would throw away moments restored from a checkpoint.
            throw new ArgumentException(
                $"This {Name} optimizer holds state for {_state[0].Length} parameters but was given {parameters.Length}; an optimizer serves one model.",
                nameof(parameters));
        }

        if (GlobalClipNorm is float limit)
        {
            ClipByGlobalNorm(gradients, limit);
        }

        // Keras evaluates a schedule at the count of updates made before this one.
        float learningRate = LearningRate;
        Iterations++;
        Update(parameters, gradients, Iterations, learningRate);
    }

    /// <summary>Scales g by limit/‖g‖ when ‖g‖ &gt; limit; returns the norm before clipping.</summary>
    public static double ClipByGlobalNorm(Span<float> gradients, float limit)
    {
        double squares = 0;
        foreach (float g in gradients)
        {
            squares += (double)g * g;
        }

        double norm = Math.Sqrt(squares);
        if (norm > limit)
        {
            float scale = (float)(limit / norm);
            for (int i = 0; i < gradients.Length; i++)
            {
                gradients[i] *= scale;
            }
        }

        return norm;
    }

    /// <summary>
    /// The hyper-parameters other than the learning rate (which is state), as invariant strings under Keras's
    /// names; a checkpoint stores them and refuses to resume into an optimizer configured differently.
    /// </summary>
    public virtual IReadOnlyDictionary<string, string> GetConfig() => GetBaseConfig();

    private SortedDictionary<string, string> GetBaseConfig()
    {
        var config = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (GlobalClipNorm is float clip)
        {
            config["global_clipnorm"] = Format(clip);
        }

        if (Schedule is not null)
        {
            config["learning_rate_schedule"] = Schedule.ToString();
        }

        return config;
    }

    /// <summary>Copies of the per-parameter buffers by name; empty before the first update.</summary>
    public IReadOnlyDictionary<string, float[]> GetState()
    {
        var state = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; _state is not null && i < _state.Length; i++)
        {
            state[StateNames[i]] = (float[])_state[i].Clone();
        }

        return state;
    }

    /// <summary>
    /// Restores what <see cref="GetState"/> and <see cref="Iterations"/> returned. The state must name exactly
    /// <see cref="StateNames"/> with buffers of one length, or be empty when there is nothing to remember yet
    /// (iterations 0, or an optimizer without buffers). Nothing changes when it throws.
    /// </summary>
    public void SetState(IReadOnlyDictionary<string, float[]> state, long iterations)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        var names = StateNames;
        if (state.Count == 0)
        {
            if (iterations > 0 && names.Count > 0)
            {
                throw new ArgumentException(
                    $"After {iterations} updates a {Name} optimizer has buffers {string.Join(", ", names)}, but the state is empty.", nameof(state));
            }

            _state = null;
            Iterations = iterations;
            return;
        }

        if (state.Count != names.Count || names.Any(n => !state.ContainsKey(n)))
        {
            throw new ArgumentException(
                $"A {Name} optimizer configured as this one keeps buffers [{string.Join(", ", names)}], but the state has [{string.Join(", ", state.Keys)}].",
                nameof(state));
        }

        var buffers = new float[names.Count][];
        for (int i = 0; i < buffers.Length; i++)
        {
            float[] buffer = state[names[i]] ?? throw new ArgumentException($"State buffer '{names[i]}' is null.", nameof(state));
            if (buffer.Length != state[names[0]].Length)
            {
                throw new ArgumentException(
                    $"State buffer '{names[i]}' has {buffer.Length} values but '{names[0]}' has {state[names[0]].Length}; all must be as long as the parameters.",
                    nameof(state));
            }

            buffers[i] = (float[])buffer.Clone();
        }

        _state = buffers;
        Iterations = iterations;
    }

    /// <summary>One update with the learning rate for this step; step counts from 1.</summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, float learningRate);

    /// <summary>The buffer named StateNames[index], as long as the parameters (zeros before the first update).</summary>
    protected Span<float> State(int index) => _state![index];

    /// <summary>The base configuration with a subclass's entries added, sorted by name.</summary>
    protected IReadOnlyDictionary<string, string> ConfigWith(params ReadOnlySpan<(string Key, string Value)> entries)
    {
        var config = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in GetBaseConfig())
        {
            config[key] = value;
        }

        foreach (var (key, value) in entries)
        {
            config[key] = value;
        }

        return config;
    }

    /// <summary>A value as the invariant text GetConfig uses.</summary>
    protected static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A value as the invariant text GetConfig uses.</summary>
    protected static string Format(bool value) => value ? "true" : "false";

    /// <summary>Throws ArgumentOutOfRangeException naming the parameter unless 0 ≤ value &lt; 1.</summary>
    protected static void CheckUnitInterval(float value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be in [0, 1).");
        }
    }

    /// <summary>Throws ArgumentOutOfRangeException naming the parameter unless value is positive and finite.</summary>
    protected static void CheckPositive(float value, string name)
    {
        if (!float.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be a positive finite number.");
        }
    }
}
