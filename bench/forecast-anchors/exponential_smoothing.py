#!/usr/bin/python3
"""Classical forecasting anchor: exponential smoothing (statsmodels), one step ahead, parameters fixed.

For each series of data/chicago-daily-weather.csv (temp, temp_max, dew, humidity, pressure, wind, ridership):
  * split: the last n_test = 1140 days (the last 20% of the 5,698 days) are the test part, the first 4,558 the
    training part;
  * fit statsmodels' ExponentialSmoothing (Holt-Winters class, initialization_method="estimated") on the training
    part only: simple exponential smoothing (level only) for the weather series, simple exponential smoothing plus
    an additive 7-day season for ridership;
  * run the fitted model over the whole series with every parameter (smoothing constants AND initial states) held
    fixed (initialization_method="known", fit(optimized=False)); its in-sample one-step-ahead fitted value for test
    day i is the forecast made from days 0..i-1 only. The script checks this: the training days reproduce the
    training fit exactly, and for several test days a filter run on y[:i] alone forecasts the same value for day i.
  * report RMSE and MAE on the test part, beside persistence (y[t-1]) and seasonal naive (y[t-7], y[t-364]).

Writes exponential-smoothing.csv (date + one forecast column per series, test days only) and
exponential-smoothing.json next to this script.  Run with Debian's interpreter:
    /usr/bin/python3 bench/forecast-anchors/exponential_smoothing.py
"""
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
import scipy
import statsmodels
from statsmodels.tsa.holtwinters import ExponentialSmoothing

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "data", "chicago-daily-weather.csv")
SERIES = ["temp", "temp_max", "dew", "humidity", "pressure", "wind", "ridership"]
N_TEST = 1140  # the last 20% of the 5,698 days: round(0.2 * 5698) = 1140

SES = {"trend": None, "seasonal": None}
SES_WEEKLY = {"trend": None, "seasonal": "add", "seasonal_periods": 7}
HOLT_DAMPED = {"trend": "add", "damped_trend": True, "seasonal": None}
CONFIG = {s: SES for s in SERIES}
CONFIG["ridership"] = SES_WEEKLY
# Also reported (JSON "alternatives"), not written to the CSV.
HOLT = {"trend": "add", "seasonal": None}
ALTERNATIVES = {"ses": SES, "ses_weekly_additive": SES_WEEKLY, "holt": HOLT, "holt_damped": HOLT_DAMPED}


def describe(kw):
    parts = ["ExponentialSmoothing", "level"]
    if kw.get("trend"):
        parts.append(("damped " if kw.get("damped_trend") else "") + f"{kw['trend']} trend")
    if kw.get("seasonal"):
        parts.append(f"{kw['seasonal']} season, period {kw['seasonal_periods']}")
    return ", ".join(parts) + "; initialization_method=estimated (fit on the training part by SSE)"


def fixed_model(y, kw, p):
    """ExponentialSmoothing on y with every parameter of the training fit p held fixed."""
    model = ExponentialSmoothing(
        y, initialization_method="known",
        initial_level=p["initial_level"],
        initial_trend=p["initial_trend"] if kw.get("trend") else None,
        initial_seasonal=np.asarray(p["initial_seasons"]) if kw.get("seasonal") else None,
        **kw)
    return model.fit(
        smoothing_level=p["smoothing_level"],
        smoothing_trend=p["smoothing_trend"] if kw.get("trend") else None,
        smoothing_seasonal=p["smoothing_seasonal"] if kw.get("seasonal") else None,
        damping_trend=p["damping_trend"] if kw.get("damped_trend") else None,
        optimized=False)


def one_step(y, n_train, kw, check=False):
    """Fit on y[:n_train]; one-step-ahead forecasts for y[n_train:] with fixed parameters."""
    train_fit = ExponentialSmoothing(y[:n_train], initialization_method="estimated", **kw).fit()
    p = train_fit.params
    full = fixed_model(y, kw, p)
    fitted = np.asarray(full.fittedvalues)
    if check:
        # Same parameters and states: the training days must come out as in the training fit.
        if not np.allclose(fitted[:n_train], np.asarray(train_fit.fittedvalues), rtol=0, atol=1e-9):
            sys.exit("check failed: fixed-parameter run does not reproduce the training fit")
        # No look-ahead: the forecast for test day i from a run that only sees y[:i].
        for i in sorted({n_train, n_train + 1, n_train + 7, n_train + 500, len(y) - 1}):
            f_i = float(np.asarray(fixed_model(y[:i], kw, p).forecast(1))[0])
            if abs(f_i - fitted[i]) > 1e-9 * max(1.0, abs(f_i)):
                sys.exit(f"check failed: forecast for day {i} from y[:{i}] is {f_i}, full run gives {fitted[i]}")
    return fitted[n_train:], p


def params_json(p, kw):
    out = {"smoothing_level": float(p["smoothing_level"]), "initial_level": float(p["initial_level"])}
    if kw.get("trend"):
        out["smoothing_trend"] = float(p["smoothing_trend"])
        out["initial_trend"] = float(p["initial_trend"])
        if kw.get("damped_trend"):
            out["damping_trend"] = float(p["damping_trend"])
    if kw.get("seasonal"):
        out["smoothing_seasonal"] = float(p["smoothing_seasonal"])
        out["initial_seasons"] = [float(v) for v in np.asarray(p["initial_seasons"])]
    return out


def fmt(v):
    return f"{v:.4f}" if abs(v) < 1 else f"{v:.3f}"


def scores(actual, forecast):
    e = actual - forecast
    return {"rmse": float(np.sqrt(np.mean(e ** 2))), "mae": float(np.mean(np.abs(e)))}


def main():
    warnings.simplefilter("ignore")  # statsmodels' ConvergenceWarning/ValueWarning chatter; the checks decide
    df = pd.read_csv(DATA)
    n = len(df)
    n_train = n - N_TEST
    dates = df["date"].iloc[n_train:].reset_index(drop=True)
    forecasts = pd.DataFrame({"date": dates})
    result = {
        "anchor": "exponential smoothing, fit on the training part only, one step ahead over the test part "
                  "with fixed parameters (the state follows each observed test value)",
        "data": "data/chicago-daily-weather.csv",
        "n_days": n, "n_train": n_train, "n_test": N_TEST,
        "train_dates": [df["date"].iloc[0], df["date"].iloc[n_train - 1]],
        "test_dates": [dates.iloc[0], dates.iloc[-1]],
        "versions": {"statsmodels": statsmodels.__version__, "numpy": np.__version__,
                     "pandas": pd.__version__, "scipy": scipy.__version__, "python": sys.version.split()[0]},
        "series": {},
    }
    rows = []
    for s in SERIES:
        y = df[s].to_numpy(dtype=float)
        actual = y[n_train:]
        kw = CONFIG[s]
        fc, p = one_step(y, n_train, kw, check=True)
        forecasts[s] = fc
        entry = {
            "configuration": describe(kw),
            "statsmodels_arguments": {k: v for k, v in kw.items() if v is not None},
            "parameters": params_json(p, kw),
            **scores(actual, fc),
            "persistence": scores(actual, y[n_train - 1:-1]),
            "seasonal_naive_7": scores(actual, y[n_train - 7:-7]),
            "seasonal_naive_364": scores(actual, y[n_train - 364:-364]),
            "alternatives": {},
        }
        for name, akw in ALTERNATIVES.items():
            afc = fc if akw is kw else one_step(y, n_train, akw)[0]
            entry["alternatives"][name] = scores(actual, afc)
        result["series"][s] = entry
        rows.append((s, entry))

    forecasts.to_csv(os.path.join(HERE, "exponential-smoothing.csv"), index=False, float_format="%.6g")
    with open(os.path.join(HERE, "exponential-smoothing.json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")

    print(f"train {n_train} days ({result['train_dates'][0]} .. {result['train_dates'][1]}), "
          f"test {N_TEST} days ({result['test_dates'][0]} .. {result['test_dates'][1]})")
    print("| series | ETS RMSE | ETS MAE | persistence RMSE | MAE | seasonal naive 7 RMSE | MAE "
          "| seasonal naive 364 RMSE | MAE | model |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for s, e in rows:
        print(f"| {s} | {fmt(e['rmse'])} | {fmt(e['mae'])} "
              f"| {fmt(e['persistence']['rmse'])} | {fmt(e['persistence']['mae'])} "
              f"| {fmt(e['seasonal_naive_7']['rmse'])} | {fmt(e['seasonal_naive_7']['mae'])} "
              f"| {fmt(e['seasonal_naive_364']['rmse'])} | {fmt(e['seasonal_naive_364']['mae'])} "
              f"| {'SES + weekly' if e['statsmodels_arguments'].get('seasonal') else 'SES'} |")
    print("\nalternatives (test RMSE):")
    print("| series | " + " | ".join(ALTERNATIVES) + " |")
    for s, e in rows:
        print(f"| {s} | " + " | ".join(f"{fmt(e['alternatives'][a]['rmse'])}" for a in ALTERNATIVES) + " |")


if __name__ == "__main__":
    main()
