#!/usr/bin/env python3
"""Measures `gated forecast`'s default recipe on the bundled Chicago series, as the README's table shows it.

For each series and seed it runs `./gated forecast --target SERIES --seed SEED` (nothing else: the default recipe),
reads the run's metrics.json, and compares the test RMSE with the baselines of the same run and with the committed
exponential-smoothing anchor (bench/forecast-anchors, statsmodels, one step ahead over the same 1,140 test days).
Writes results.json and results.md beside this script. Needs only Python's standard library and the .NET SDK.

    python3 bench/forecast-defaults/measure.py                 # the table (7 series x 3 seeds)
    python3 bench/forecast-defaults/measure.py --experiments   # also covariates and horizon effects
"""
import csv, json, math, os, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
SERIES = ["temp", "temp_max", "dew", "humidity", "pressure", "wind", "ridership"]
SEEDS = [0, 1, 2]


def run(args):
    out = tempfile.mkdtemp(prefix="gated-measure-")
    cmd = [os.path.join(ROOT, "gated"), "forecast", *args, "--out", out]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    with open(os.path.join(out, "metrics.json")) as f:
        return json.load(f)


def anchor_rmse():
    """RMSE of the committed exponential-smoothing one-step forecasts on the same test days."""
    with open(os.path.join(ROOT, "data", "chicago-daily-weather.csv")) as f:
        actual = {row["date"]: row for row in csv.DictReader(f)}
    with open(os.path.join(ROOT, "bench", "forecast-anchors", "exponential-smoothing.csv")) as f:
        rows = list(csv.DictReader(f))
    return {s: math.sqrt(sum((float(r[s]) - float(actual[r["date"]][s])) ** 2 for r in rows) / len(rows)) for s in SERIES}, rows[0]["date"]


def models(metrics):
    return metrics["overall"]["models"]


def main():
    experiments = "--experiments" in sys.argv
    ets, ets_start = anchor_rmse()
    results = {"series": {}, "anchor_test_start": ets_start}
    for s in SERIES:
        runs = [run(["--target", s, "--seed", str(seed)]) for seed in SEEDS]
        gru = [models(m)["model"]["overall"]["rmse"] for m in runs]
        base = models(runs[0])
        assert runs[0]["split"][0]["test_start"] == ets_start, "the anchor and the forecaster must score the same days"
        results["series"][s] = {
            "gru_rmse_per_seed": gru,
            "gru_rmse_median": statistics.median(gru),
            "persistence_rmse": base["persistence"]["overall"]["rmse"],
            "seasonal_naive_rmse": base["seasonal_naive"]["overall"]["rmse"],
            "mean_rmse": base["mean"]["overall"]["rmse"],
            "drift_rmse": base["drift"]["overall"]["rmse"],
            "exponential_smoothing_rmse": round(ets[s], 6),
            "epochs_per_seed": [m["epochs_run"] for m in runs],
            "seconds_per_epoch_median": statistics.median(m["seconds_per_epoch"] for m in runs),
            "train_seconds_median": statistics.median(m["train_seconds"] for m in runs),
        }
        print(s, results["series"][s], flush=True)
    if experiments:
        exp = {}
        cov = ["dew", "humidity", "pressure", "wind"]
        for target, covariates in [("temp", cov), ("temp", ["temp_min", "temp_max"] + cov), ("humidity", ["temp", "dew", "pressure", "wind"]), ("pressure", ["temp", "dew", "humidity", "wind"])]:
            runs = [run(["--target", target, "--covariates", ",".join(covariates), "--seed", str(seed)]) for seed in SEEDS]
            exp[f"{target} + {','.join(covariates)}"] = [models(m)["model"]["overall"]["rmse"] for m in runs]
            print(target, covariates, exp[f"{target} + {','.join(covariates)}"], flush=True)
        results["covariates"] = exp
        hz = {}
        for horizon in [1, 7, 14]:
            runs = [run(["--target", "temp", "--horizon", str(horizon), "--seed", str(seed)]) for seed in SEEDS]
            hz[horizon] = {
                "gru_rmse_per_step_median": [statistics.median(m_["overall"]["models"]["model"]["per_step"][h]["rmse"] for m_ in runs) for h in range(horizon)],
                "persistence_rmse_per_step": [s_["rmse"] for s_ in models(runs[0])["persistence"]["per_step"]],
                "gru_rmse_overall_per_seed": [models(m)["model"]["overall"]["rmse"] for m in runs],
                "persistence_rmse_overall": models(runs[0])["persistence"]["overall"]["rmse"],
            }
            print("horizon", horizon, hz[horizon], flush=True)
        results["horizon"] = hz
        sn = run(["--target", "ridership", "--season", "364"])
        results["ridership_seasonal_naive_364_rmse"] = models(sn)["seasonal_naive"]["overall"]["rmse"]
    with open(os.path.join(HERE, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    lines = ["| series | GRU default, median of seeds 0–2 (spread) | persistence | seasonal naive (7) | mean | drift | exponential smoothing | epochs |",
             "|---|---|---|---|---|---|---|---|"]
    for s, r in results["series"].items():
        g = r["gru_rmse_per_seed"]
        lines.append(f"| {s} | **{r['gru_rmse_median']:.3f}** ({min(g):.3f}–{max(g):.3f}) | {r['persistence_rmse']:.3f} | {r['seasonal_naive_rmse']:.3f} | "
                     f"{r['mean_rmse']:.3f} | {r['drift_rmse']:.3f} | {r['exponential_smoothing_rmse']:.3f} | {', '.join(map(str, r['epochs_per_seed']))} |")
    with open(os.path.join(HERE, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
