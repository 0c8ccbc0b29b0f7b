/**
 * Meta's WhatsApp Cloud API callbacks for one channel: `GET /webhooks/whatsapp/:channelId` answers
 * the subscription check, `POST` takes message and status notifications. The signature
 * (X-Hub-Signature-256) is checked over the raw bytes before anything is parsed or stored; messages
 * go through the common ingress (idempotent on the wamid), statuses to the receipt sink. The answer
 * is 200 as soon as they are persisted (Meta retries anything else, so a failed store answers 500);
 * a signed body that cannot be parsed is kept in webhook_inbox and answered 200.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../graphql/context';
import { createCloudCredentialStore, type CloudChannel } from '../../connector/channels/cloud-api/credentials';
import { normalize } from '../../connector/channels/cloud-api/normalize';
import { verifySignature } from '../../connector/channels/cloud-api/signature';
import { cloudWebhook } from '../../connector/channels/cloud-api/webhook-schema';
import { WebhookInbox } from '../../schema/entities/webhook-inbox.entity';
import { InvalidPhoneError } from '../../connector/ingress.port';

/** The path Meta is given for a channel (Channel.webhookUrl). */
export const WEBHOOK_PATH = '/webhooks/whatsapp';
/** Meta's notifications are a few KiB; anything far larger is not one. */
export const WEBHOOK_BODY_LIMIT = 512 * 1024;
/** The header Meta signs each notification in (HMAC-SHA256 of the raw body with the app secret). */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

const params = z.object({ channelId: z.string().uuid() });
const verification = z.object({ 'hub.mode': z.literal('subscribe'), 'hub.verify_token': z.string(), 'hub.challenge': z.string().max(256) });

/** Registers the webhook routes, with their own raw-body parser (the signature is over the exact bytes). */
export async function whatsappWebhookRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const channels = createCloudCredentialStore(deps.orm, deps.config.encryptionKey);
  const log = (msg: string, err?: unknown) => app.log.error({ err }, msg);

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));

    scope.get(`${WEBHOOK_PATH}/:channelId`, async (request, reply) => {
      const channel = await cloudChannel(channels, request.params, reply);
      if (!channel) return reply;
      const hub = verification.safeParse(request.query);
      const token = channel.credentials?.verifyToken;
      if (!hub.success || !token || !sameText(hub.data['hub.verify_token'], token)) return reply.code(403).send({ error: 'verification failed' });
      return reply.code(200).type('text/plain').send(hub.data['hub.challenge']);
    });

    scope.post(`${WEBHOOK_PATH}/:channelId`, async (request, reply) => {
      const channel = await cloudChannel(channels, request.params, reply);
      if (!channel) return reply;
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const secret = channel.credentials?.appSecret;
      if (!secret || !verifySignature(raw, header(request.headers[SIGNATURE_HEADER]), secret)) {
        return reply.code(401).send({ error: 'invalid X-Hub-Signature-256' });
      }
      const parsed = parseBody(raw);
      if (!parsed.success) {
        await keep(deps, channel.id, raw, parsed.error);
        return reply.code(200).send({ kept: true });
      }
      const { messages, receipts } = normalize(parsed.data, channel.id);
      for (const message of messages) {
        try {
          await deps.ingress.receive({ ...message, channelId: channel.id });
        } catch (err) {
          // A message no retry can store (a sender that is not a phone number) is kept; anything else is 500, and Meta retries.
          if (!(err instanceof InvalidPhoneError)) throw err;
          await keep(deps, channel.id, raw, `message ${message.externalId}: ${err.message}`);
        }
      }
      if (receipts.length) await deps.receipts.apply(receipts);
      return reply.code(200).send({ received: messages.length + receipts.length });
    });
  });

  async function keep(d: ApiDeps, channelId: string, raw: Buffer, error: string): Promise<void> {
    const em = d.orm.em.fork();
    em.create(WebhookInbox, { id: randomUUID(), channelId, rawBody: raw.toString('utf8'), error });
    await em.flush();
    log(`webhook for channel ${channelId} kept in webhook_inbox: ${error}`);
  }
}

/** The CLOUD_API channel the path names, or null with 404 sent. */
async function cloudChannel(channels: ReturnType<typeof createCloudCredentialStore>, raw: unknown, reply: FastifyReply): Promise<CloudChannel | null> {
  const p = params.safeParse(raw);
  const channel = p.success ? await channels.get(p.data.channelId) : null;
  if (channel?.kind === 'CLOUD_API') return channel;
  await reply.code(404).send({ error: 'no such WhatsApp Cloud API channel' });
  return null;
}

function parseBody(raw: Buffer): { success: true; data: z.infer<typeof cloudWebhook> } | { success: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return { success: false, error: `not JSON: ${(err as Error).message}` };
  }
  const result = cloudWebhook.safeParse(json);
  if (result.success) return { success: true, data: result.data };
  return { success: false, error: result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Constant-time equality of two strings of any length. */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
