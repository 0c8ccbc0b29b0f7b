/**
 * A wire-compatible fake of the LLM vendors, started by the tests: Anthropic's `/v1/messages` and
 * OpenAI's `/v1/chat/completions` (answering with a call of the tool the request forces),
 * `/v1/embeddings` and `/v1/audio/transcriptions`. Each test scripts what it answers; knobs make it
 * fail (HTTP 500), hang, or send garbage. Every request is recorded, so a test can read the prompt.
 */
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { AddressInfo, Socket } from 'node:net';
import { createHash } from 'node:crypto';

/** The reply tool's arguments (as the model would give them), or raw text to send as the arguments. */
export type ToolArguments = Record<string, unknown> | string;

/** What the fake does with one chat request. */
export type Behaviour =
  | { kind: 'answer'; arguments: ToolArguments; delayMs?: number; inputTokens?: number; outputTokens?: number }
  | { kind: 'error'; status: number }
  | { kind: 'hang' }
  /** Headers and the start of a body, then nothing: what an SDK's own request timeout does not cover. */
  | { kind: 'stall' }
  | { kind: 'garbage' };

/** One request the fake received. */
export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  apiKey: string | undefined;
  body: any;
  /** The system prompt and every message's text, joined: what a test greps for a passage or a name. */
  promptText: string;
}

export interface FakeLlm {
  /** http://127.0.0.1:PORT: Anthropic's base URL (the SDK adds /v1). */
  url: string;
  /** url + /v1: the OpenAI SDK's base URL. */
  openAiUrl: string;
  requests: RecordedRequest[];
  /** Chat requests only (messages and chat completions). */
  chats(): RecordedRequest[];
  /** Decides each chat answer; the default answers a confident "OK". */
  respond(decide: (request: RecordedRequest, index: number) => Behaviour): void;
  /** What /v1/audio/transcriptions answers. */
  transcription: string;
  close(): Promise<void>;
}

/** A confident, well-formed answer. */
export function answer(reply: string, extra: Partial<Record<'confidence' | 'escalate' | 'reason' | 'language' | 'sentiment', unknown>> = {}): Behaviour {
  return { kind: 'answer', arguments: { reply, confidence: 0.92, escalate: false, language: 'en', sentiment: 'neutral', ...extra } };
}

export async function startFakeLlm(): Promise<FakeLlm> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let decide: (request: RecordedRequest, index: number) => Behaviour = () => answer('OK');
  let chatCount = 0;
  const fake = { transcription: 'transcribed text' } as FakeLlm;

  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0];
    const isJson = (req.headers['content-type'] ?? '').includes('json');
    const body = isJson ? safeJson(raw.toString('utf8')) : null;
    const recorded: RecordedRequest = {
      path,
      authorization: header(req, 'authorization'),
      apiKey: header(req, 'x-api-key'),
      body,
      promptText: promptTextOf(body),
    };
    requests.push(recorded);
    if (path === '/v1/messages' || path === '/v1/chat/completions') return chat(res, path, body, decide(recorded, chatCount++));
    if (path === '/v1/embeddings') return json(res, 200, embeddings(body));
    if (path === '/v1/audio/transcriptions') return json(res, 200, { text: fake.transcription });
    json(res, 404, { error: { message: `no route ${path}` } });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(fake, {
    url,
    openAiUrl: `${url}/v1`,
    requests,
    chats: () => requests.filter((r) => r.path === '/v1/messages' || r.path === '/v1/chat/completions'),
    respond(next: typeof decide) {
      decide = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}

async function chat(res: http.ServerResponse, path: string, body: any, behaviour: Behaviour): Promise<void> {
  switch (behaviour.kind) {
    case 'hang':
      return;
    case 'stall':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id": "msg_fake", ');
      return;
    case 'error':
      return json(res, behaviour.status, { type: 'error', error: { type: 'api_error', message: 'the fake is down' } });
    case 'garbage':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"this is": not json at all');
      return;
    case 'answer': {
      // The model's own thinking time (the AI bench's fixed 300 ms): latency the fake stands in for, not a test's wait.
      if (behaviour.delayMs) await delay(behaviour.delayMs);
      const args = typeof behaviour.arguments === 'string' ? behaviour.arguments : JSON.stringify(behaviour.arguments);
      const inputTokens = behaviour.inputTokens ?? 120;
      const outputTokens = behaviour.outputTokens ?? 30;
      if (path === '/v1/messages') {
        const input = typeof behaviour.arguments === 'string' ? safeJson(behaviour.arguments) ?? { text: behaviour.arguments } : behaviour.arguments;
        return json(res, 200, {
          id: 'msg_fake',
          type: 'message',
          role: 'assistant',
          model: body?.model,
          content: [{ type: 'tool_use', id: 'toolu_fake', name: body?.tools?.[0]?.name ?? 'reply', input }],
          stop_reason: 'tool_use',
          stop_sequence: null,
          usage: { input_tokens: inputTokens, output_tokens: outputTokens },
        });
      }
      return json(res, 200, {
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body?.model,
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_fake', type: 'function', function: { name: body?.tools?.[0]?.function?.name ?? 'reply', arguments: args } }] },
          },
        ],
        usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
      });
    }
  }
}

/** A deterministic vector per text (a hash spread over the dimensions asked for, 8 by default). */
function embeddings(body: any) {
  const inputs: string[] = Array.isArray(body?.input) ? body.input : [String(body?.input ?? '')];
  const dimensions = Number(body?.dimensions ?? 8);
  return {
    object: 'list',
    model: body?.model,
    data: inputs.map((text, index) => {
      const hash = createHash('sha256').update(text).digest();
      return { object: 'embedding', index, embedding: Array.from({ length: dimensions }, (_, i) => hash[i % hash.length] / 255 - 0.5) };
    }),
    usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
  };
}

function promptTextOf(body: any): string {
  if (!body) return '';
  const parts: string[] = [];
  if (typeof body.system === 'string') parts.push(body.system);
  for (const message of body.messages ?? []) {
    if (typeof message.content === 'string') parts.push(message.content);
    else for (const block of message.content ?? []) if (typeof block?.text === 'string') parts.push(block.text);
  }
  return parts.join('\n');
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
