/**
 * A wire-compatible fake of Meta's Graph API for the Cloud API channel: a real HTTP server on the
 * paths the channel calls (send, mark read, phone number check, message templates, media download
 * and upload). It
 * records EVERY request it receives, in order, and never deduplicates: a message sent twice is two
 * requests. Per recipient number it can refuse (131026), rate limit the first attempt (HTTP 429 or
 * Graph code 130429), hang (never answer) or reset the connection after reading the request.
 */
import http from 'node:http';
import type net from 'node:net';
import { randomUUID } from 'node:crypto';

/** One request as the fake received it. */
export interface GraphRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: any;
  at: number;
  /** A send the fake took: the message id it answered with. */
  answeredId?: string;
  /** The raw body as received (uploads are multipart). */
  raw: Buffer;
}

/** How the fake answers sends to one recipient (digits, as Graph's `to`). */
export type RecipientBehaviour = 'refuse' | 'http-429-once' | 'code-130429-once' | 'hang' | 'reset';

/** A message template the fake lists for a business account. */
export interface FakeTemplate {
  id?: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components: unknown[];
}

/** The running fake, what it received, and its knobs. */
export interface FakeGraphApi {
  url: string;
  /** Every request received, in order. */
  requests: GraphRequest[];
  /** The message sends (not mark-read calls) that reached it, to one number (E.164 or digits) or all. */
  sends(to?: string): GraphRequest[];
  /** A phone number id the fake knows, with the token it takes. */
  addPhoneNumber(phoneNumberId: string, accessToken: string): void;
  behave(to: string, behaviour: RecipientBehaviour): void;
  setTemplates(businessAccountId: string, templates: FakeTemplate[]): void;
  /** Media the fake serves (GET /<version>/<mediaId> → its URL → the bytes). */
  addMedia(mediaId: string, bytes: Buffer, mimeType: string): void;
  close(): Promise<void>;
}

/** Templates per page, small so a sync has to follow the paging cursor. */
const TEMPLATE_PAGE = 2;

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakeGraphApi(): Promise<FakeGraphApi> {
  const requests: GraphRequest[] = [];
  const tokens = new Map<string, string>();
  const behaviours = new Map<string, RecipientBehaviour>();
  const templates = new Map<string, FakeTemplate[]>();
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  const refusedOnce = new Set<string>();
  const sockets = new Set<net.Socket>();
  let base = '';

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: any = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // Kept as text.
    }
    const request: GraphRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization, body, at: Date.now(), raw: bytes };
    requests.push(request);
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const graphError = (status: number, code: number, message: string) => reply(status, { error: { message, type: 'OAuthException', code, fbtrace_id: randomUUID() } });
    const token = req.headers.authorization?.replace(/^Bearer /, '');

    const [, version, id, edge] = url.pathname.split('/');
    if (version === 'media-files') {
      const file = media.get(id);
      if (!file || !token) return graphError(404, 100, 'no such media file');
      res.writeHead(200, { 'content-type': file.mimeType, 'content-length': file.bytes.length });
      return res.end(file.bytes);
    }
    if (!/^v\d+\.\d+$/.test(version ?? '')) return graphError(400, 2500, 'Unknown path components');

    if (edge === 'message_templates' && req.method === 'GET') {
      const all = templates.get(id);
      if (!all) return graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist`);
      const start = Number(url.searchParams.get('after') ?? 0);
      const page = all.slice(start, start + TEMPLATE_PAGE).map((t, i) => ({ id: t.id ?? String(1000 + start + i), ...t }));
      const next = start + TEMPLATE_PAGE < all.length ? String(start + TEMPLATE_PAGE) : null;
      return reply(200, { data: page, paging: { cursors: { before: String(start), after: next ?? String(start) }, ...(next ? { next: `${base}${url.pathname}?after=${next}` } : {}) } });
    }

    if (!edge && req.method === 'GET') {
      const file = media.get(id);
      if (file) return reply(200, { messaging_product: 'whatsapp', url: `${base}/media-files/${id}`, mime_type: file.mimeType, file_size: file.bytes.length, id, sha256: 'x' });
      if (tokens.has(id)) {
        if (tokens.get(id) !== token) return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
        return reply(200, { id, display_phone_number: '+1 555-0100', verified_name: 'Test Shop', quality_rating: 'GREEN' });
      }
      return graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist`);
    }

    if (edge === 'media' && req.method === 'POST') {
      if (tokens.get(id) !== token) return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
      if (!String(req.headers['content-type']).startsWith('multipart/form-data') || !raw.includes('name="messaging_product"')) return graphError(400, 100, 'Invalid parameter');
      request.answeredId = `upload.${randomUUID()}`;
      return reply(200, { id: request.answeredId });
    }

    if (edge === 'messages' && req.method === 'POST') {
      if (!tokens.has(id)) return graphError(400, 100, `Object with ID '${id}' does not exist`);
      if (tokens.get(id) !== token) return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
      if (body?.status === 'read') return reply(200, { success: true });
      const to = String(body?.to ?? '');
      const behaviour = behaviours.get(to);
      const firstTime = !refusedOnce.has(to);
      switch (behaviour) {
        case 'refuse':
          return graphError(400, 131026, 'Message undeliverable');
        case 'http-429-once':
          if (firstTime) {
            refusedOnce.add(to);
            res.writeHead(429, { 'content-type': 'text/plain' });
            return res.end('Too Many Requests');
          }
          break;
        case 'code-130429-once':
          if (firstTime) {
            refusedOnce.add(to);
            return graphError(400, 130429, 'Rate limit hit');
          }
          break;
        case 'hang':
          return; // no answer: the client times out
        case 'reset':
          return req.socket.destroy();
      }
      request.answeredId = `wamid.${randomUUID()}`;
      return reply(200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: request.answeredId }] });
    }
    return graphError(400, 2500, 'Unknown path components');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;

  const digits = (to: string) => to.replace(/^\+/, '');
  return {
    url: base,
    requests,
    sends: (to) => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages') && r.body?.status !== 'read' && (to === undefined || r.body?.to === digits(to))),
    addPhoneNumber: (phoneNumberId, accessToken) => void tokens.set(phoneNumberId, accessToken),
    behave: (to, behaviour) => void behaviours.set(digits(to), behaviour),
    setTemplates: (businessAccountId, list) => void templates.set(businessAccountId, list),
    addMedia: (mediaId, bytes, mimeType) => void media.set(mediaId, { bytes, mimeType }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
