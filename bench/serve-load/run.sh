#!/usr/bin/env bash
# Load test of `gated serve` beside an ONNX Runtime anchor server (bench/anchors/OrtServer), in one run:
#   bench/serve-load/run.sh            (about 6 minutes; DURATION=3 for a quick look)
# Needs: the .NET 10 SDK, wrk (apt-get install wrk), curl, python3, and the NuGet feed for Microsoft.ML.OnnxRuntime.
# Writes bench/serve-load/results.md and results.json; logs and models go to tmp/serve-load/ (ignored by git).
#
# Models (one instance per request, a JSON body prepared once):
#   flagship  the `gated forecast` default recipe, GRU(64) over windows of (56, 5) → Dense(1); ONNX by `gated convert`
#   mid       GRU(256) over (100, 32) → Dense(1), seed 0 (B=1 of bench/README's mid workload); written by MakeModels
# Servers, each on its own port, all started before any load and driven alternately:
#   gated     dotnet src/Gated.Cli/bin/Release/net10.0/Gated.Cli.dll serve, the Gated files (--threads 1, the default:
#             each request on one core)
#   gated-t2  the same with --threads 2: each request's steps split over 2 cores, a diagnostic, not the default
#   ort-1     OrtServer, the ONNX files, intra-op threads 1
#   ort-def   OrtServer, the ONNX files, ONNX Runtime's default intra-op threads
# For each model and connection count (CONNS, default 1 8 64): wrk -t min(c,2) -c c -d DURATION --latency, per server.
# Then MEMORY_REQUESTS (default 100000) flagship requests at 8 connections to each server, with VmRSS before and after.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/serve-load"
work="$root/tmp/serve-load"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-3}"
CONNS="${CONNS:-1 8 64}"
MEMORY_REQUESTS="${MEMORY_REQUESTS:-100000}"
mkdir -p "$work"
runs="$work/runs.jsonl"
: >"$runs"
log() { echo "[$(date +%T)] $*" >&2; }

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }

log "building Gated.Cli, MakeModels and OrtServer (Release)"
dotnet build "$root/src/Gated.Cli/Gated.Cli.csproj" -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
dotnet build "$here/MakeModels/MakeModels.csproj" -c Release -nologo -v quiet >>"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
dotnet build "$root/bench/anchors/OrtServer/OrtServer.csproj" -c Release -nologo -v quiet >>"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
gated=(dotnet "$root/src/Gated.Cli/bin/Release/net10.0/Gated.Cli.dll")
ort=(dotnet "$root/bench/anchors/OrtServer/bin/Release/net10.0/OrtServer.dll")

log "models and bodies"
if [ ! -f "$work/flagship/model.safetensors" ]; then
  "${gated[@]}" forecast --out "$work/flagship" >"$work/forecast.log"
fi
"${gated[@]}" convert "$work/flagship/model.safetensors" "$work/flagship.onnx" >"$work/convert.log"
dotnet "$here/MakeModels/bin/Release/net10.0/MakeModels.dll" "$work" "flagship=$work/flagship/model.safetensors" >"$work/makemodels.log"
cat "$work/makemodels.log" >&2

declare -A port=([gated]=8501 [gated-t2]=8502 [ort-1]=8601 [ort-def]=8602)
declare -A pid=()
servers=(gated gated-t2 ort-1 ort-def)
cleanup() { for s in "${!pid[@]}"; do kill "${pid[$s]}" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"${gated[@]}" serve --model "flagship=$work/flagship/model.safetensors" --model "mid=$work/mid.safetensors" --port "${port[gated]}" >"$work/gated.log" 2>&1 &
pid[gated]=$!
"${gated[@]}" serve --threads 2 --model "flagship=$work/flagship/model.safetensors" --model "mid=$work/mid.safetensors" --port "${port[gated-t2]}" >"$work/gated-t2.log" 2>&1 &
pid[gated-t2]=$!
for s in ort-1 ort-def; do
  threads=1; [ "$s" = ort-def ] && threads=0
  "${ort[@]}" --model "flagship=$work/flagship.onnx" --shape flagship=56,5 --model "mid=$work/mid.onnx" --shape mid=100,32 \
    --port "${port[$s]}" --intra-op-threads "$threads" >"$work/$s.log" 2>&1 &
  pid[$s]=$!
done
for s in "${servers[@]}"; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:${port[$s]}/v1/models/mid" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:${port[$s]}/v1/models/mid" >/dev/null || { log "$s did not start:"; cat "$work/$s.log" >&2; exit 1; }
done

rss() { awk '/^VmRSS/ {print $2}' "/proc/${pid[$1]}/status"; }
declare -A rss_start=()
for s in "${servers[@]}"; do rss_start[$s]=$(rss "$s"); done

log "same predictions?"
for m in flagship mid; do
  for s in "${servers[@]}"; do
    curl -sf -H 'Content-Type: application/json' --data-binary "@$work/$m.json" "http://127.0.0.1:${port[$s]}/v1/models/$m:predict" >"$work/$m.$s.out"
  done
done
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
for m in ("flagship", "mid"):
    ref = json.load(open(f"{work}/{m}.gated.out"))["predictions"]
    for s in ("gated-t2", "ort-1", "ort-def"):
        other = json.load(open(f"{work}/{m}.{s}.out"))["predictions"]
        flat = lambda p: [x for inst in p for x in (inst if isinstance(inst, list) else [inst])]
        a, b = flat(ref), flat(other)
        diff = max(abs(x - y) for x, y in zip(a, b))
        print(f"{m}: gated {a} vs {s} {b}: max |diff| {diff:.2e}", file=sys.stderr)
        if len(a) != len(b) or diff > 1e-4:
            sys.exit(f"{m}: predictions differ beyond 1e-4")
PY

# wrk RUN_KIND MODEL SERVER CONNS DURATION [LIMIT]: one wrk run, its WRKJSON line appended to runs.jsonl.
load() {
  local kind=$1 model=$2 server=$3 conns=$4 duration=$5 limit=${6:-}
  local threads=$(( conns < 2 ? conns : 2 ))
  local out="$work/wrk.$kind.$model.$server.c$conns.txt"
  wrk -t"$threads" -c"$conns" -d"${duration}s" --timeout 10s --latency -s "$here/post.lua" \
    "http://127.0.0.1:${port[$server]}/v1/models/$model:predict" -- "$work/$model.json" $limit >"$out"
  local json; json=$(sed -n 's/^WRKJSON //p' "$out")
  local non2xx; non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$out"); non2xx=${non2xx:-0}
  echo "{\"kind\":\"$kind\",\"model\":\"$model\",\"server\":\"$server\",\"conns\":$conns,\"threads\":$threads,\"non2xx\":$non2xx,\"rss_kb\":$(rss "$server"),\"wrk\":$json}" >>"$runs"
  tail -n1 "$runs" >&2
}

log "warm-up: ${WARMUP}s per server and model at 8 connections"
for m in flagship mid; do for s in "${servers[@]}"; do load warmup "$m" "$s" 8 "$WARMUP"; done; done

loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)
for m in flagship mid; do
  for c in $CONNS; do
    for s in "${servers[@]}"; do
      log "$m, $c connections, $s"
      load matrix "$m" "$s" "$c" "$DURATION"
    done
  done
done

log "memory: $MEMORY_REQUESTS flagship requests per server at 8 connections"
declare -A rss_before=() rss_after=()
for s in "${servers[@]}"; do
  rss_before[$s]=$(rss "$s")
  # Size the run from this server's 8-connection throughput (1.5x margin); each of wrk's 2 threads stops at half the count.
  rps=$(python3 -c "
import json
r=[json.loads(l) for l in open('$runs')]
r=[x['wrk'] for x in r if x['kind']=='matrix' and x['model']=='flagship' and x['server']=='$s' and x['conns']==8]
print(r[0]['requests']/r[0]['duration_us']*1e6 if r else 1000)")
  secs=$(python3 -c "import math; print(math.ceil(1.5*$MEMORY_REQUESTS/$rps)+2)")
  load memory flagship "$s" 8 "$secs" $(( MEMORY_REQUESTS / 2 ))
  rss_after[$s]=$(rss "$s")
done
loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)

rss_json=$(for s in "${servers[@]}"; do echo "\"$s\":{\"start\":${rss_start[$s]},\"before_memory_run\":${rss_before[$s]},\"after_memory_run\":${rss_after[$s]}}"; done | paste -sd,)
cat >"$work/machine.json" <<JSON
{"nproc":$(nproc),"cpu":"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')",
 "isa":"$(for f in avx512f avx2 fma; do grep -qw $f /proc/cpuinfo && printf '%s ' $f; done)",
 "dotnet":"$(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ {v=$2} END {print v}')",
 "wrk":"$(wrk -v 2>&1 | head -1 | cut -d' ' -f2)",
 "date":"$(date -u +%Y-%m-%dT%H:%MZ)","duration_s":$DURATION,"loadavg_before":"$loadavg_before","loadavg_after":"$loadavg_after",
 "rss_kb":{$rss_json}}
JSON
python3 "$here/report.py" "$work/runs.jsonl" "$work/machine.json" "$here/results.json" "$here/results.md"
cat "$here/results.md"
