/**
 * POST /codec/decode and /codec/encode: the Temporal Web UI's remote codec protocol (JSON
 * `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }` both ways), so the UI can show
 * the payloads activities/payload-codec.ts encrypts. Only a signed-in OWNER or ADMIN may call it
 * (`Authorization: Bearer <accessToken>`, or the HttpOnly cookie sign-in and refresh set for
 * /codec, which the UI sends with "Include cross-origin credentials"; the membership checked in
 * Postgres either way), and a payload is
 * decoded only when its scope names a channel of the caller's workspace: another workspace's
 * payloads, payloads sealed without a scope and payloads that do not decrypt (a scope altered
 * after sealing fails the authentication tag) are returned still encrypted. Plain payloads
 * (histories from before the codec) come back as they are.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Payload } from '@temporalio/common';
import type { ApiDeps } from '../graphql/context';
import { bearerToken, TokenError, type AccessClaims } from '../auth/tokens';
import { MANAGERS } from '../graphql/context';
import { createPayloadCodec, payloadKeys, payloadScope, scopeChannelId } from '../../activities/payload-codec';
import { Channel } from '../../schema/entities/channel.entity';
import { Membership, type Role } from '../../schema/entities/membership.entity';

/** The roles that may read a workspace's payloads through the codec. */
export const CODEC_ROLES: readonly Role[] = MANAGERS;
/** Where the codec is served, and the only path its cookie is sent to. */
export const CODEC_PATH = '/codec';
/** The cookie holding an OWNER's or ADMIN's access token for the Web UI's codec requests (see api/app.ts). */
export const CODEC_COOKIE = 'parley_codec';
/** What one UI request carries at most (a history page's payloads). */
const MAX_PAYLOADS = 1000;

const WirePayloads = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() }))
    .max(MAX_PAYLOADS),
});
type WirePayload = z.infer<typeof WirePayloads>['payloads'][number];

/** `verify`: the api's access-token verifier (one cache, one clock for GraphQL and the codec). */
export async function codecRoutes(app: FastifyInstance, deps: ApiDeps, verify: (token: string) => Promise<AccessClaims>): Promise<void> {
  const codec = createPayloadCodec(payloadKeys(deps.config.encryptionKey, deps.config.previousEncryptionKeys));
  const origins = new Set(deps.config.codecCorsOrigins);

  // Encapsulated: the CORS headers and the OPTIONS answers are for these two routes only.
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      const origin = request.headers.origin;
      if (!origin || !origins.has(origin)) return;
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('vary', 'Origin');
    });
    for (const url of [`${CODEC_PATH}/decode`, `${CODEC_PATH}/encode`]) {
      scope.options(url, async (_request, reply) =>
        reply
          .header('access-control-allow-methods', 'POST, OPTIONS')
          .header('access-control-allow-headers', 'authorization, content-type, x-namespace')
          .header('access-control-max-age', '600')
          .code(204)
          .send(),
      );
    }

    scope.post(`${CODEC_PATH}/decode`, async (request, reply) => {
      const caller = await authorize(request, reply);
      const payloads = caller && parse(request, reply);
      if (!caller || !payloads) return reply;
      const workspaces = await channelWorkspaces(deps, payloads);
      const decoded = await Promise.all(
        payloads.map(async (payload) => {
          const scopeValue = payloadScope(payload);
          if (scopeValue === null) return payload;
          const channelId = scopeChannelId(scopeValue);
          if (!channelId || workspaces.get(channelId) !== caller.workspaceId) return payload;
          try {
            const [plain] = await codec.decode([payload]);
            return plain;
          } catch (err) {
            // A key this process does not have, or a payload altered after it was sealed.
            request.log.warn({ err }, 'codec: payload does not decrypt');
            return payload;
          }
        }),
      );
      return reply.send({ payloads: decoded.map(toWire) });
    });

    scope.post(`${CODEC_PATH}/encode`, async (request, reply) => {
      const caller = await authorize(request, reply);
      const payloads = caller && parse(request, reply);
      if (!caller || !payloads) return reply;
      return reply.send({ payloads: (await codec.encode(payloads)).map(toWire) });
    });
  });

  /** The caller when an OWNER or ADMIN of their workspace; otherwise answers 401 / 403 and returns null. */
  async function authorize(request: FastifyRequest, reply: FastifyReply): Promise<AccessClaims | null> {
    const token = bearerToken(request.headers.authorization) ?? request.cookies[CODEC_COOKIE];
    if (!token) {
      reply.code(401).send({ error: 'send Authorization: Bearer <accessToken> of an OWNER or ADMIN, or sign in to the dashboard as one' });
      return null;
    }
    let claims: AccessClaims;
    try {
      claims = await verify(token);
    } catch (err) {
      reply.code(401).send({ error: err instanceof TokenError ? err.message : 'invalid access token' });
      return null;
    }
    // The role as it is now, not as it was when the token was issued.
    const membership = await deps.orm.em.fork().findOne(Membership, { userId: claims.userId, workspaceId: claims.workspaceId }, { fields: ['role'] });
    if (!membership || !CODEC_ROLES.includes(membership.role)) {
      reply.code(403).send({ error: 'only an OWNER or ADMIN of the workspace may decode its payloads' });
      return null;
    }
    return claims;
  }
}

function parse(request: FastifyRequest, reply: FastifyReply): Payload[] | null {
  const body = WirePayloads.safeParse(request.body);
  if (!body.success) {
    reply.code(400).send({ error: `expected { payloads: [{ metadata, data }] } with base64 values (at most ${MAX_PAYLOADS})` });
    return null;
  }
  return body.data.payloads.map(fromWire);
}

/** The workspace of each channel the payloads' scopes name. */
async function channelWorkspaces(deps: ApiDeps, payloads: Payload[]): Promise<Map<string, string>> {
  const ids = [...new Set(payloads.map((p) => scopeChannelId(payloadScope(p) ?? '')).filter((id): id is string => id !== null))];
  if (!ids.length) return new Map();
  const channels = await deps.orm.em.fork().find(Channel, { id: { $in: ids } }, { fields: ['id', 'workspaceId'] });
  return new Map(channels.map((c) => [c.id, c.workspaceId]));
}

function fromWire(payload: WirePayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(payload.data ?? '', 'base64')),
  };
}

function toWire(payload: Payload): WirePayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}
