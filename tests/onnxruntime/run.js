// Runs an ONNX model in ONNX Runtime (onnxruntime-node) on one float32 input and prints its first output.
// usage: node run.js MODEL.onnx INPUT.json   where INPUT.json is {"shape": [...], "data": [...]}
// prints {"shape": [...], "data": [...]} on stdout.
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [modelPath, inputPath] = process.argv.slice(2);
  if (!modelPath || !inputPath) {
    console.error('usage: node run.js MODEL.onnx INPUT.json');
    process.exit(2);
  }
  const input = JSON.parse(fs.readFileSync(inputPath, 'utf8'));
  const session = await ort.InferenceSession.create(modelPath);
  const feeds = {};
  feeds[session.inputNames[0]] = new ort.Tensor('float32', Float32Array.from(input.data), input.shape);
  const results = await session.run(feeds);
  const output = results[session.outputNames[0]];
  process.stdout.write(JSON.stringify({ shape: output.dims.map(Number), data: Array.from(output.data) }));
}

main().catch((e) => {
  console.error(e && e.message ? e.message : String(e));
  process.exit(1);
});
