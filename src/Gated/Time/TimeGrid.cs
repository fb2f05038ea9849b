using Gated.Data;

namespace Gated.Time;

/// <summary>Checks that a series' times lie on a regular grid, in order, without duplicates, and fills its gaps on request.</summary>
public static class TimeGrid
{
    /// <summary>
    /// Puts a series on the grid of <paramref name="frequency"/> through its first time. Rows must be in time order,
    /// without duplicates, each a whole number of steps after the first; k ≥ 1 missing steps between two rows are an
    /// error with <see cref="GapFill.None"/>, otherwise k rows are inserted (times from <see cref="Frequency.Add"/>) with
    /// the previous row's values (<see cref="GapFill.ForwardFill"/>) or values interpolated linearly in step index
    /// (<see cref="GapFill.Linear"/>). Values are expected finite.
    /// </summary>
    /// <param name="times">The times, one per row, in file order.</param>
    /// <param name="columns">The value columns, each as long as <paramref name="times"/>.</param>
    /// <param name="columnNames">The columns' names, one per column.</param>
    /// <param name="frequency">The grid's step.</param>
    /// <param name="fill">What to do with gaps.</param>
    /// <param name="path">The file's path as the user gave it, for messages.</param>
    /// <param name="kind">How the file writes its times; messages write them the same way.</param>
    /// <param name="lines">The file line of each row; null when row i is on line i + 2 (a header, then one line per row).</param>
    /// <returns>The regular series; the input's arrays are not changed.</returns>
    /// <exception cref="DataFormatException">
    /// A duplicate time, a time before the previous row's, a time off the grid, or a gap with <see cref="GapFill.None"/>;
    /// the message names the line, e.g. <c>data.csv line 5: gap in the dates: 3 missing daily step(s) between 2020-01-03
    /// and 2020-01-07; use --fill ffill or --fill linear to fill gaps</c>.
    /// </exception>
    public static RegularSeries Regularize(
        IReadOnlyList<DateTimeOffset> times,
        IReadOnlyList<float[]> columns,
        IReadOnlyList<string> columnNames,
        Frequency frequency,
        GapFill fill,
        string path,
        TimestampKind kind,
        IReadOnlyList<int>? lines = null)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(columnNames);
        if (lines is not null && lines.Count < times.Count)
        {
            throw new ArgumentException("One line number per row is needed.", nameof(lines));
        }

        int LineOf(int row) => lines?[row] ?? row + 2;
        if (!Enum.IsDefined(fill))
        {
            throw new ArgumentOutOfRangeException(nameof(fill), fill, "not a GapFill");
        }

        if (columnNames.Count != columns.Count)
        {
            throw new ArgumentException($"{columnNames.Count} column names for {columns.Count} columns", nameof(columnNames));
        }

        for (int c = 0; c < columns.Count; c++)
        {
            if (columns[c] is null || columns[c].Length != times.Count)
            {
                throw new ArgumentException(
                    $"column '{columnNames[c]}' has {columns[c]?.Length ?? 0} values for {times.Count} times", nameof(columns));
            }
        }

        // Pass 1: order and duplicates over the whole column first, so two swapped rows read as what they are, not as a gap.
        for (int i = 1; i < times.Count; i++)
        {
            DateTimeOffset time = times[i], previous = times[i - 1];
            if (time == previous)
            {
                throw new DataFormatException(
                    $"duplicate timestamp {Timestamps.Format(time, kind)} (also on line {LineOf(i - 1)})", path, LineOf(i));
            }

            if (time < previous)
            {
                throw new DataFormatException(
                    $"timestamp {Timestamps.Format(time, kind)} is before the previous row's {Timestamps.Format(previous, kind)}; "
                    + "rows must be in time order",
                    path,
                    LineOf(i));
            }
        }

        // Pass 2: the grid index of every row, checking the grid and (without fill) gaps.
        var index = new int[times.Count];
        for (int i = 1; i < times.Count; i++)
        {
            DateTimeOffset time = times[i], previous = times[i - 1];
            int line = LineOf(i);
            int? steps = StepsOrNull(frequency, times[0], time);
            if (steps is not int k || k <= index[i - 1])
            {
                throw new DataFormatException(
                    $"timestamp {Timestamps.Format(time, kind)} is not on the {frequency.Adjective} grid (previous {Timestamps.Format(previous, kind)})",
                    path,
                    line);
            }

            int missing = k - index[i - 1] - 1;
            if (missing > 0 && fill == GapFill.None)
            {
                throw new DataFormatException(
                    $"gap in the dates: {missing} missing {frequency.Adjective} step(s) between {Timestamps.Format(previous, kind)} "
                    + $"and {Timestamps.Format(time, kind)}; use --fill ffill or --fill linear to fill gaps",
                    path,
                    line);
            }

            index[i] = k;
        }

        // Pass 3: copy the rows to their grid positions and fill the steps between them.
        int rows = times.Count == 0 ? 0 : index[^1] + 1;
        var outTimes = new DateTimeOffset[rows];
        var filled = new bool[rows];
        var outColumns = new float[columns.Count][];
        for (int c = 0; c < columns.Count; c++)
        {
            outColumns[c] = new float[rows];
        }

        for (int i = 0; i < times.Count; i++)
        {
            int at = index[i];
            outTimes[at] = times[i];
            for (int c = 0; c < columns.Count; c++)
            {
                outColumns[c][at] = columns[c][i];
            }

            if (i == 0)
            {
                continue;
            }

            int before = index[i - 1];
            int span = at - before;
            for (int j = before + 1; j < at; j++)
            {
                outTimes[j] = frequency.Add(times[0], j);
                filled[j] = true;
                for (int c = 0; c < columns.Count; c++)
                {
                    float start = columns[c][i - 1];
                    outColumns[c][j] = fill == GapFill.Linear
                        ? (float)(start + (columns[c][i] - (double)start) * (j - before) / span)
                        : start;
                }
            }
        }

        return new RegularSeries(outTimes, outColumns, rows - times.Count, filled);
    }

    private static int? StepsOrNull(Frequency frequency, DateTimeOffset first, DateTimeOffset time)
    {
        try
        {
            return frequency.StepsBetween(first, time);
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
