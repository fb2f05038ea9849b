// Runs an ONNX model in ONNX Runtime (onnxruntime-node from bench/anchors: cd bench/anchors && npm ci --ignore-scripts) on named inputs and prints every output.
// usage: node run_ort_all.js MODEL.onnx INPUTS.json   where INPUTS.json is {"NAME": {"shape": [...], "data": [...], "type": "float32"|"int32"}, ...}
// prints {"NAME": {"shape": [...], "data": [...]}, ...} on stdout. Used by make_onnx_operator_fixtures.py.
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, '..', '..', '..', 'bench', 'anchors', 'node_modules', 'onnxruntime-node'));

async function main() {
  const [modelPath, inputPath] = process.argv.slice(2);
  const inputs = JSON.parse(fs.readFileSync(inputPath, 'utf8'));
  const session = await ort.InferenceSession.create(modelPath);
  const feeds = {};
  for (const [name, t] of Object.entries(inputs)) {
    const type = t.type || 'float32';
    const data = type === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data);
    feeds[name] = new ort.Tensor(type, data, t.shape);
  }
  const results = await session.run(feeds);
  const out = {};
  for (const name of session.outputNames) {
    out[name] = { shape: results[name].dims.map(Number), data: Array.from(results[name].data) };
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e && e.message ? e.message : String(e));
  process.exit(1);
});
