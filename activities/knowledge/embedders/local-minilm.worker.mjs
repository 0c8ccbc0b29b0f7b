/**
 * The worker thread behind activities/knowledge/embedders/local-minilm.ts: tokenizes and runs
 * all-MiniLM-L6-v2 (the ONNX graph scripts/embedding-model.py builds) off the main thread.
 * Plain JavaScript because a worker thread loads its file with Node's own loader: neither Jest's
 * transform nor tsx reaches it.
 * In: workerData { modelDir, threads }; messages { id, texts }. Out: { id, vectors } or { id, error }.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';

// sentence-transformers truncates all-MiniLM-L6-v2's input at 256 word pieces ([CLS] and [SEP] included).
const MAX_TOKENS = 256;

const { modelDir, threads } = workerData;
const tokenizer = new Tokenizer(
  JSON.parse(readFileSync(path.join(modelDir, 'tokenizer.json'), 'utf8')),
  JSON.parse(readFileSync(path.join(modelDir, 'tokenizer_config.json'), 'utf8')),
);
const sessionReady = ort.InferenceSession.create(path.join(modelDir, 'model.onnx'), {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
});

function tokenize(text) {
  const ids = tokenizer.encode(text).ids;
  return ids.length <= MAX_TOKENS ? ids : [...ids.slice(0, MAX_TOKENS - 1), ids[ids.length - 1]];
}

async function embed(texts) {
  const session = await sessionReady;
  const encoded = texts.map(tokenize);
  const width = Math.max(...encoded.map((ids) => ids.length));
  const inputIds = new BigInt64Array(texts.length * width);
  const mask = new BigInt64Array(texts.length * width);
  encoded.forEach((ids, row) => {
    ids.forEach((id, col) => {
      inputIds[row * width + col] = BigInt(id);
      mask[row * width + col] = 1n;
    });
  });
  const dims = [texts.length, width];
  const { embeddings } = await session.run({
    input_ids: new ort.Tensor('int64', inputIds, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
  });
  const size = embeddings.dims[1];
  const data = embeddings.data;
  return texts.map((_, row) => Array.from(data.subarray(row * size, (row + 1) * size)));
}

parentPort.on('message', ({ id, texts }) => {
  embed(texts).then(
    (vectors) => parentPort.postMessage({ id, vectors }),
    (error) => parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
});
