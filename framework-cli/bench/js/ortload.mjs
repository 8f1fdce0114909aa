// The floor of a Node.js start-up: open one ONNX Runtime session (onnxruntime-node, the one
// transformers.js brings) on a file with the default options and exit.
// usage: node ortload.mjs FILE.onnx
const t0 = performance.now();
const ort = await import('onnxruntime-node');
const imported = performance.now();
const session = await ort.InferenceSession.create(process.argv[2]);
const opened = performance.now();
process.stderr.write(JSON.stringify({ importMs: imported - t0, sessionMs: opened - imported,
  inputs: session.inputNames.length }) + '\n');
