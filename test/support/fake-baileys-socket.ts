/**
 * A fake of Baileys' makeWASocket for the connector (loaded through PARLEY_TEST_BAILEYS_SOCKET):
 * the same `ev` emitter interface and methods, driven from the test process over a small HTTP
 * control channel (FAKE_BAILEYS_CONTROL, served by test/support/fake-baileys.ts). Every call
 * (sendMessage, requestPairingCode, readMessages, end, logout, LID lookups) is reported there,
 * each one, never deduplicated; the test answers or fails it.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { SocketFactory, BaileysSocket } from '../../connector/channels/baileys/socket';

/** How long the fake waits before polling its control server again after a broken poll. */
const CONTROL_POLL_RETRY_MS = 200;

/** What the controller hands a socket to do. */
export type FakeCommand =
  | { op: 'emit'; event: string; arg: unknown }
  | { op: 'creds'; creds: Record<string, unknown> }
  | { op: 'keys'; keys: Record<string, Record<string, unknown>> };

/** Buffers travel as {"type":"Buffer","data":"<base64>"}. */
function revive(_key: string, value: any): any {
  return value && value.type === 'Buffer' && typeof value.data === 'string' ? Buffer.from(value.data, 'base64') : value;
}

export const createSocket: SocketFactory = async ({ channelId, auth }) => {
  const control = process.env.FAKE_BAILEYS_CONTROL;
  if (!control) throw new Error('FAKE_BAILEYS_CONTROL is not set');
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${control}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    return JSON.parse(text, revive) as { socketId?: string; result?: unknown; error?: { message: string; code?: string } };
  };
  const preKeys = await auth.keys.get('pre-key', ['1']);
  const { socketId } = await post('/sockets', {
    channelId,
    pid: process.pid,
    registered: Boolean(auth.creds.me?.id),
    me: auth.creds.me?.id ?? null,
    preKey1: preKeys['1'] ? Buffer.from(preKeys['1'].public).toString('hex') : null,
  });
  const ev = new EventEmitter();
  let ended = false;

  const call = async (method: string, args: unknown[]) => {
    const answer = await post(`/sockets/${socketId}/calls`, { method, args });
    if (answer.error) throw Object.assign(new Error(answer.error.message), answer.error.code ? { code: answer.error.code } : {});
    return answer.result;
  };

  const apply = async (command: FakeCommand) => {
    if (command.op === 'emit') {
      if (command.event === 'connection.update' && (command.arg as { connection?: string }).connection === 'open') socket.user = { id: (auth.creds.me?.id as string | undefined) ?? '4915100000000:1@s.whatsapp.net' };
      ev.emit(command.event, command.arg);
    } else if (command.op === 'creds') {
      Object.assign(auth.creds, command.creds);
      ev.emit('creds.update', command.creds);
    } else {
      await auth.keys.set(command.keys as never);
    }
  };

  void (async () => {
    while (!ended) {
      try {
        const response = await fetch(`${control}/sockets/${socketId}/next`);
        const { commands } = JSON.parse(await response.text(), revive) as { commands: FakeCommand[] };
        for (const command of commands) await apply(command);
      } catch {
        // The long poll to the test's control server broke (a busy machine resets connections):
        // poll again after a pause, as a socket reconnects. Not a wait for something not to happen.
        if (!ended) await delay(CONTROL_POLL_RETRY_MS);
      }
    }
  })();

  const socket: BaileysSocket = {
    ev: ev as unknown as BaileysSocket['ev'],
    user: undefined,
    sendMessage: async (jid, content, options) => {
      await call('sendMessage', [jid, content, options ?? {}]);
      return { key: { remoteJid: jid, fromMe: true, id: options?.messageId ?? `3EB0FAKE${Date.now()}` }, message: {} } as never;
    },
    requestPairingCode: async (phone) => (await call('requestPairingCode', [phone])) as string,
    readMessages: async (keys) => void (await call('readMessages', [keys])),
    end: async (error) => {
      if (ended) return;
      ended = true;
      await call('end', [error?.message ?? null]).catch(() => undefined);
      ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
    },
    logout: async () => void (await call('logout', [])),
    signalRepository: { lidMapping: { getPNForLID: async (lid) => ((await call('getPNForLID', [lid])) as string | null) ?? null } },
  };
  return socket;
};
