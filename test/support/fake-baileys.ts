/**
 * The test side of the fake WhatsApp Web socket (test/support/fake-baileys-socket.ts): an HTTP
 * control server the connector's fake sockets report to. Tests see every socket opened and every
 * call made on it, and drive each socket's events (QR, open, close codes, messages, receipts).
 */
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FakeCommand } from './fake-baileys-socket';
import { TEST_ROOT } from './services-env';
import { waitFor } from './platform';

export interface FakeCall {
  socketId: string;
  channelId: string;
  pid: number;
  method: string;
  args: any[];
}

export interface FakeSocket {
  id: string;
  channelId: string;
  pid: number;
  /** The creds it was opened with belong to a paired device (no QR needed). */
  registered: boolean;
  me: string | null;
  /** Hex of pre-key 1's public key, as the socket read it from the auth state. */
  preKey1: string | null;
  emit(event: string, arg: unknown): void;
  updateCreds(creds: Record<string, unknown>): void;
  setKeys(keys: Record<string, Record<string, unknown>>): void;
  ended(): boolean;
}

/** How the fake answers a call; return undefined for the default (success). */
export type CallAnswer = (call: FakeCall) => { result?: unknown; error?: { message: string; code?: string } } | undefined;

export interface FakeBaileys {
  /** What a platform needs to load the fake. */
  env: Record<string, string>;
  sockets: FakeSocket[];
  calls: FakeCall[];
  /** The n-th socket (1-based) opened for the channel, once it is. */
  socket(channelId: string, n?: number): Promise<FakeSocket>;
  answer(handler: CallAnswer | null): void;
  close(): Promise<void>;
}

/** JSON with Buffers as {"type":"Buffer","data":"<base64>"}. */
function encode(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && v.type === 'Buffer' && Array.isArray(v.data) ? { type: 'Buffer', data: Buffer.from(v.data).toString('base64') } : v));
}

export async function startFakeBaileys(): Promise<FakeBaileys> {
  const sockets: FakeSocket[] = [];
  const calls: FakeCall[] = [];
  const queues = new Map<string, FakeCommand[]>();
  const waiters = new Map<string, () => void>();
  const endedIds = new Set<string>();
  let answer: CallAnswer | null = null;
  let counter = 0;

  const push = (socketId: string, command: FakeCommand) => {
    queues.get(socketId)!.push(command);
    waiters.get(socketId)?.();
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const reply = (value: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(encode(value));
      };
      const url = req.url ?? '';
      if (req.method === 'POST' && url === '/sockets') {
        const opened = JSON.parse(body) as { channelId: string; pid: number; registered: boolean; me: string | null; preKey1: string | null };
        const id = `s${++counter}`;
        queues.set(id, []);
        sockets.push({
          id,
          ...opened,
          emit: (event, arg) => push(id, { op: 'emit', event, arg }),
          updateCreds: (creds) => push(id, { op: 'creds', creds }),
          setKeys: (keys) => push(id, { op: 'keys', keys }),
          ended: () => endedIds.has(id),
        });
        return reply({ socketId: id });
      }
      const next = /^\/sockets\/(s\d+)\/next$/.exec(url);
      if (next) {
        const id = next[1];
        const send = () => {
          waiters.delete(id);
          clearTimeout(timer);
          const commands = queues.get(id)?.splice(0) ?? [];
          reply({ commands });
        };
        const timer = setTimeout(send, 15_000);
        if (queues.get(id)?.length) return send();
        waiters.set(id, send);
        return;
      }
      const callMatch = /^\/sockets\/(s\d+)\/calls$/.exec(url);
      if (callMatch) {
        const socket = sockets.find((s) => s.id === callMatch[1])!;
        const { method, args } = JSON.parse(body) as { method: string; args: any[] };
        const call: FakeCall = { socketId: socket.id, channelId: socket.channelId, pid: socket.pid, method, args };
        calls.push(call);
        if (method === 'end') endedIds.add(socket.id);
        return reply(answer?.(call) ?? { result: defaultResult(call) });
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    env: { PARLEY_TEST_BAILEYS_SOCKET: path.join(TEST_ROOT, 'test/support/fake-baileys-socket.ts'), FAKE_BAILEYS_CONTROL: `http://127.0.0.1:${port}` },
    sockets,
    calls,
    socket: (channelId, n = 1) => waitFor(`socket ${n} of channel ${channelId}`, async () => sockets.filter((s) => s.channelId === channelId)[n - 1]),
    answer: (handler) => (answer = handler),
    async close() {
      for (const wake of waiters.values()) wake();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function defaultResult(call: FakeCall): unknown {
  if (call.method === 'requestPairingCode') return 'PRLY7K2Q';
  return null;
}
