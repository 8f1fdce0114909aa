// One transformers.js run, as a user of the library would write it: load a local model folder
// (onnx/model.onnx, fp32, CPU), generate N greedy tokens, exit. Prints the timings and the
// generated ids as JSON on stderr.
// usage: node gen.mjs MODEL_DIR N PROMPT...
import path from 'node:path';

const t0 = performance.now();
const { env, AutoTokenizer, AutoModelForCausalLM, BaseStreamer } = await import('@huggingface/transformers');
const [dir, count, ...words] = process.argv.slice(2);
const n = Number.parseInt(count, 10);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(path.resolve(dir)) + path.sep;
const id = path.basename(path.resolve(dir));
const imported = performance.now();
const [tokenizer, model] = await Promise.all([
  AutoTokenizer.from_pretrained(id),
  AutoModelForCausalLM.from_pretrained(id, { dtype: 'fp32', device: 'cpu' }),
]);
const loaded = performance.now();
let first = 0;
let puts = 0;
class FirstToken extends BaseStreamer {
  put() {
    if (++puts === 2) first = performance.now(); // the first put is the prompt
  }
  end() {}
}
const inputs = tokenizer(words.join(' '));
const out = await model.generate({ ...inputs, max_new_tokens: n, min_new_tokens: n, do_sample: false,
  streamer: new FirstToken() });
const done = performance.now();
const prompt = inputs.input_ids.dims[1];
const ids = out.tolist()[0].map(Number).slice(prompt);
process.stderr.write(JSON.stringify({ importMs: imported - t0, loadMs: loaded - imported,
  firstTokenMs: first - loaded, generateMs: done - loaded, tokens: ids.length, ids }) + '\n');
