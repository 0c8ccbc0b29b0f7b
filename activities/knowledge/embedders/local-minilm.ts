/**
 * The embedded default embedder: all-MiniLM-L6-v2 run locally with onnxruntime-node, no API key and
 * no download at run time (scripts/embedding-model.sh builds the ONNX graph once, at bootstrap).
 * Inference runs in a worker thread so a batch of chunks never blocks the event loop the worker's
 * heartbeats and the API ride on.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Embedder } from '../ports';

/** The model's name as vectors record it (a change of name re-indexes). */
export const LOCAL_MINILM_MODEL = 'all-MiniLM-L6-v2';
/** all-MiniLM-L6-v2's output width. */
export const LOCAL_MINILM_DIMENSIONS = 384;
/** Texts per ONNX run: larger batches pad more and gain nothing on two cores. */
export const LOCAL_MINILM_BATCH = 32;
/** Threads onnxruntime may use inside the worker: one leaves a core to everything else. */
const INTRA_OP_THREADS = 1;

/** An embedder that owns a worker thread: close() ends it. */
export interface ClosableEmbedder extends Embedder {
  close(): Promise<void>;
}

/** The model's folder under the models directory (KnowledgeConfig.modelsDir). */
export function localMiniLmDir(modelsDir: string): string {
  return path.join(modelsDir, LOCAL_MINILM_MODEL);
}

/** Whether the bootstrap has built the model into modelDir. */
export function localMiniLmAvailable(modelDir: string): boolean {
  return existsSync(path.join(modelDir, 'model.onnx')) && existsSync(path.join(modelDir, 'tokenizer.json'));
}

type Reply = { id: number; vectors: number[][]; error?: undefined } | { id: number; error: string };

/**
 * Answers embed() calls through a worker thread, in batches of LOCAL_MINILM_BATCH. The thread (and
 * the ~90 MB model) loads on the first call, so a process that never embeds never pays for it.
 */
export function createLocalMiniLmEmbedder(modelDir: string): ClosableEmbedder {
  let thread: ReturnType<typeof startThread> | null = null;
  return {
    model: LOCAL_MINILM_MODEL,
    dimensions: LOCAL_MINILM_DIMENSIONS,
    async embed(texts) {
      // A thread that died (out of memory, a native crash) is replaced, not kept failing.
      if (!thread || thread.failed()) thread = startThread(modelDir);
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += LOCAL_MINILM_BATCH) {
        vectors.push(...(await thread.run(texts.slice(i, i + LOCAL_MINILM_BATCH))));
      }
      return vectors;
    },
    async close() {
      await thread?.close();
      thread = null;
    },
  };
}

function startThread(modelDir: string) {
  const worker = new Worker(new URL('./local-minilm.worker.mjs', import.meta.url), {
    workerData: { modelDir, threads: INTRA_OP_THREADS },
  });
  // An idle embedder must not keep the process alive; a pending call refs it again.
  worker.unref();
  const pending = new Map<number, { resolve: (v: number[][]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | null = null;

  const failAll = (error: Error) => {
    failure = error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: Reply) => {
    const call = pending.get(reply.id);
    if (!call) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.error !== undefined) call.reject(new Error(`local embedding model: ${reply.error}`));
    else call.resolve(reply.vectors);
  });
  worker.on('error', (error) => failAll(new Error(`local embedding model worker failed: ${error.message}`)));
  worker.on('exit', (code) => failAll(new Error(`local embedding model worker exited (code ${code})`)));

  return {
    failed: () => failure !== null,
    run: (texts: string[]) =>
      new Promise<number[][]>((resolve, reject) => {
        if (failure) return reject(failure);
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, texts });
      }),
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
