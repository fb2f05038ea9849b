#!/usr/bin/env node
// Times one `gated bench` workload in ONNX Runtime (onnxruntime-node, from bench/anchors/node_modules) and prints
// the same JSON fields. Inference and streaming step only: ONNX Runtime doesn't train.
//
//   node ort_bench.js MODEL.onnx --cell gru --batch B --steps T --input I --hidden H --layers L --mode infer|step
//        [--threads N] [--seconds S] [--json]
//
// MODEL.onnx comes from make_onnx.py (same flags). infer feeds "x" (B, T, I); step feeds "x" (B, 1, I) and a state
// "h" (1, B, H) (and "c" for LSTM). peak_working_set_bytes is the process peak (resourceUsage().maxRSS).
'use strict';
const path = require('path');
const ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));

function parse(argv) {
  const a = { cell: 'gru', batch: 32, steps: 100, input: 1, hidden: 50, layers: 2, mode: 'infer', variant: 'reset-after',
    threads: 1, seconds: 2, json: false, model: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') a.json = true;
    else if (arg.startsWith('--')) {
      const key = arg.slice(2);
      if (!(key in a)) throw new Error(`unknown option ${arg}`);
      const v = argv[++i];
      a[key] = typeof a[key] === 'number' ? Number(v) : v;
    } else a.model = arg;
  }
  if (!a.model) throw new Error('usage: ort_bench.js MODEL.onnx [workload flags]');
  if (a.mode !== 'infer' && a.mode !== 'step') throw new Error('--mode must be infer or step (ONNX Runtime does not train)');
  return a;
}

function random(n) {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.random() * 2 - 1;
  return d;
}

function flops(cell, mode, batch, steps, input, hidden, layers) {
  const gates = { gru: 3, lstm: 4, rnn: 1 }[cell];
  let forward = 0, layerInput = input;
  for (let l = 0; l < (mode === 'step' ? 1 : layers); l++) {
    forward += 2 * batch * steps * gates * hidden * (layerInput + hidden);
    layerInput = hidden;
  }
  if (mode !== 'step') forward += 2 * batch * hidden;
  return forward;
}

// Calls shorter than this are timed in batches (a clock read costs tens of ns): the rule of `gated bench`.
const BATCH_SECONDS = 20e-6;

async function measure(call, seconds) {
  const now = () => Number(process.hrtime.bigint()) / 1e9;
  const warmStart = now();
  let warm = 0;
  while (warm < 3 || (now() - warmStart < Math.min(1, seconds / 2) && warm < 10000)) { await call(); warm++; }
  const mean = (now() - warmStart) / warm;
  const batch = mean >= BATCH_SECONDS ? 1 : Math.ceil(BATCH_SECONDS / Math.max(mean, 1e-9));
  const times = [];
  const start = now();
  while (times.length < 5 || now() - start < seconds) {
    const t0 = now();
    for (let i = 0; i < batch; i++) await call();
    times.push((now() - t0) / batch);
  }
  return { times, calls: times.length * batch };
}

async function main() {
  const a = parse(process.argv.slice(2));
  const session = await ort.InferenceSession.create(a.model, {
    intraOpNumThreads: a.threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const steps = a.mode === 'step' ? 1 : a.steps;
  const feeds = { x: new ort.Tensor('float32', random(a.batch * steps * a.input), [a.batch, steps, a.input]) };
  for (const name of session.inputNames) {
    if (name !== 'x') feeds[name] = new ort.Tensor('float32', new Float32Array(a.batch * a.hidden), [1, a.batch, a.hidden]);
  }
  const call = () => session.run(feeds);
  const { times, calls } = await measure(call, a.seconds);
  const sorted = [...times].sort((p, q) => p - q);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
  const result = {
    workload: { cell: a.cell, batch: a.batch, steps, input: a.input, hidden: a.hidden,
      layers: a.mode === 'step' ? 1 : a.layers, mode: a.mode, variant: a.cell === 'gru' ? a.variant : 'n/a', threads: a.threads },
    calls,
    median_seconds: median,
    min_seconds: sorted[0],
    sequences_per_second: a.batch / median,
    gflops: flops(a.cell, a.mode, a.batch, steps, a.input, a.hidden, a.layers) / median / 1e9,
    peak_working_set_bytes: process.resourceUsage().maxRSS * 1024,
    fma_peak_gflops_1_thread: null,
    engine: `ONNX Runtime ${ort.env.versions ? ort.env.versions.common : ''} (onnxruntime-node), ${a.threads} intra-op thread(s)`,
  };
  if (a.json) console.log(JSON.stringify(result));
  else console.log(`${a.cell} ${a.mode} B=${a.batch} T=${steps} I=${a.input} H=${a.hidden} L=${a.layers}: median ${(median * 1e3).toFixed(3)} ms, min ${(sorted[0] * 1e3).toFixed(3)} ms over ${calls} calls`);
}

main().catch(e => { console.error(e.message || e); process.exit(1); });
