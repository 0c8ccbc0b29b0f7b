/**
 * The embeddings route of a wire-compatible OpenAI fake (POST /v1/embeddings), on its own so the
 * fake LLM server can mount it too. Vectors are feature-hashed words, L2-normalised: texts that
 * share words are close, so retrieval through it behaves like retrieval, deterministically.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

/** What one embeddings request carried, for assertions. */
export interface EmbeddingsCall {
  model: string;
  inputs: string[];
  dimensions: number | undefined;
  authorization: string | undefined;
}

/** A deterministic unit vector for `text`: each lower-cased word adds 1 to a hashed dimension. */
export function hashedVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    vector[createHash('sha1').update(word).digest().readUInt32BE(0) % dimensions] += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => x / norm);
}

/**
 * Answers an OpenAI embeddings request body: `{ data: [{ object, index, embedding }], model, usage }`.
 * Width: the request's `dimensions`, else `defaultDimensions`.
 */
export function embeddingsResponse(body: { model: string; input: string | string[]; dimensions?: number }, defaultDimensions: number) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const dimensions = body.dimensions ?? defaultDimensions;
  return {
    object: 'list',
    model: body.model,
    data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: hashedVector(text, dimensions) })),
    usage: { prompt_tokens: inputs.join(' ').split(/\s+/).length, total_tokens: inputs.join(' ').split(/\s+/).length },
  };
}

/** A request held by `holdNext`: `arrived` once it came, answered once `release()` is called. */
export interface HeldRequest {
  arrived: Promise<EmbeddingsCall>;
  release(): void;
}

/**
 * A fake server with only the embeddings route; `failNext(n)` makes the next n requests 500;
 * `holdNext(match)` keeps the next request `match` takes unanswered until it is released.
 * fixedDimensions: always that width, ignoring the request's (as servers without the parameter do).
 */
export async function startFakeEmbeddingsServer(options: { defaultDimensions?: number; fixedDimensions?: number } = {}) {
  const calls: EmbeddingsCall[] = [];
  let failures = 0;
  let hold: { match: (call: EmbeddingsCall) => boolean; arrived: (call: EmbeddingsCall) => void; released: Promise<void> } | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      const call: EmbeddingsCall = { model: body.model, inputs, dimensions: body.dimensions, authorization: req.headers.authorization };
      calls.push(call);
      if (failures > 0) {
        failures--;
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'fake outage' } }));
        return;
      }
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(embeddingsResponse(options.fixedDimensions ? { ...body, dimensions: options.fixedDimensions } : body, options.defaultDimensions ?? 256)));
      if (hold?.match(call)) {
        const held = hold;
        hold = null;
        held.arrived(call);
        void held.released.then(answer);
        return;
      }
      answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** The base URL the openai SDK takes (with /v1). */
    baseUrl: `http://127.0.0.1:${port}/v1`,
    calls,
    failNext(n: number) {
      failures = n;
    },
    holdNext(match: (call: EmbeddingsCall) => boolean): HeldRequest {
      let arrived!: (call: EmbeddingsCall) => void;
      let release!: () => void;
      const arrival = new Promise<EmbeddingsCall>((resolve) => (arrived = resolve));
      hold = { match, arrived, released: new Promise<void>((resolve) => (release = resolve)) };
      return { arrived: arrival, release };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
