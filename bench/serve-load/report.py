"""Turns bench/serve-load/run.sh's runs.jsonl and machine.json into results.json and results.md."""
import json
import sys

runs_path, machine_path, json_out, md_out = sys.argv[1:5]
runs = [json.loads(line) for line in open(runs_path)]
machine = json.load(open(machine_path))
SERVERS = ["gated", "gated-t2", "ort-1", "ort-def"]
NAMES = {"gated": "gated serve", "gated-t2": "gated serve --threads 2", "ort-1": "ORT, 1 intra-op thread", "ort-def": "ORT, default intra-op threads"}
SHAPES = {"flagship": "GRU(64) over (56, 5) → Dense(1)", "mid": "GRU(256) over (100, 32) → Dense(1)"}


def summary(run):
    w = run["wrk"]
    return {
        "requests": w["requests"],
        "rps": w["requests"] / w["duration_us"] * 1e6,
        "p50_ms": w["p50_us"] / 1000,
        "p99_ms": w["p99_us"] / 1000,
        "non2xx": run["non2xx"],
        "socket_errors": w["errors_connect"] + w["errors_read"] + w["errors_write"] + w["errors_timeout"],
        "rss_mb": run["rss_kb"] / 1024,
    }


matrix = {}
for run in runs:
    if run["kind"] == "matrix":
        matrix.setdefault(run["model"], {}).setdefault(run["conns"], {})[run["server"]] = summary(run)
memory = {run["server"]: summary(run) for run in runs if run["kind"] == "memory"}

lines = [
    "# `gated serve` under load, beside ONNX Runtime",
    "",
    f"Measured {machine['date']} by `bench/serve-load/run.sh` (wrk {machine['wrk']}, {machine['duration_s']} s per cell, "
    f"after a warm-up; .NET {machine['dotnet']}) on {machine['nproc']} vCPUs, {machine['cpu']} ({machine['isa'].strip()}). "
    f"**wrk and all four servers (running together, one under load at a time) share these {machine['nproc']} cores**, and the machine was shared with other work "
    f"(load average {machine['loadavg_before']} before the matrix, {machine['loadavg_after']} after): "
    "treat differences under about 20 % as noise.",
    "",
    "One instance per request (`{\"instances\": [x]}` → `{\"predictions\": [[y]]}`), the same JSON body every time. "
    "Ratio = gated's requests/s over the better ORT server's; goal: ≥ 2× at equal or lower p99, no errors. "
    "`gated serve` runs each request on one core (`--threads 1`, its default); `gated serve --threads 2` is a diagnostic "
    "that splits each request's recurrent steps over 2 threads.",
    "",
]
result_rows = []
for model, by_conns in matrix.items():
    lines += [f"## {model}: {SHAPES.get(model, '')}", "",
              "| connections | server | requests/s | p50 ms | p99 ms | non-2xx | socket errors |", "|--:|---|--:|--:|--:|--:|--:|"]
    for conns, by_server in sorted(by_conns.items()):
        for s in SERVERS:
            if s in by_server:
                r = by_server[s]
                lines.append(f"| {conns} | {NAMES[s]} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['non2xx']} | {r['socket_errors']} |")
        g = by_server.get("gated")
        orts = [by_server[s] for s in ("ort-1", "ort-def") if s in by_server]
        if g and orts:
            best = max(orts, key=lambda r: r["rps"])
            ratio = g["rps"] / best["rps"]
            met = ratio >= 2 and g["p99_ms"] <= best["p99_ms"] and g["non2xx"] == 0 and g["socket_errors"] == 0
            lines.append(f"| {conns} | **ratio gated / best ORT** | **{ratio:.2f}×** | | p99 {g['p99_ms']:.2f} vs {best['p99_ms']:.2f} | | goal {'met' if met else 'not met'} |")
            row = {"model": model, "conns": conns, "ratio": ratio, "goal_met": met}
            if "gated-t2" in by_server:
                p1 = by_server["gated-t2"]
                row["ratio_t2"] = p1["rps"] / best["rps"]
                lines.append(f"| {conns} | ratio gated-t2 / best ORT | {row['ratio_t2']:.2f}× | | p99 {p1['p99_ms']:.2f} vs {best['p99_ms']:.2f} | | |")
            result_rows.append(row)
    lines.append("")

lines += [f"## Memory: VmRSS (MB) around {next(iter(memory.values()))['requests'] if memory else 0:,} flagship requests at 8 connections", "",
          "| server | at start | before the run | after the run | change in the run | requests | non-2xx | socket errors |",
          "|---|--:|--:|--:|--:|--:|--:|--:|"]
for s in SERVERS:
    if s in memory:
        rss = machine["rss_kb"][s]
        m = memory[s]
        before, after = rss["before_memory_run"] / 1024, rss["after_memory_run"] / 1024
        lines.append(f"| {NAMES[s]} | {rss['start'] / 1024:.0f} | {before:.0f} | {after:.0f} | {after - before:+.0f} | {m['requests']:,} | {m['non2xx']} | {m['socket_errors']} |")
lines += ["", "\"at start\" is after loading both models and answering one request of each; \"before the run\" is after the warm-up and the whole matrix above.", ""]

json.dump({"machine": machine, "matrix": matrix, "memory": memory, "ratios": result_rows, "runs": runs}, open(json_out, "w"), indent=1)
open(md_out, "w").write("\n".join(lines))
