/**
 * GET /media/:messageId: a message's stored media, only to members of the message's workspace:
 * with the signed URL the GraphQL field Message.media.url hands out (api/auth/media-url.ts), or an
 * `Authorization: Bearer <accessToken>` of a member. Anyone else, a bad or expired signature, or a
 * message without stored media gets the same 404.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../graphql/context';
import { bearerToken, type AccessClaims } from '../auth/tokens';
import { mediaSignatureIsValid } from '../auth/media-url';
import { createBlobStore } from '../../connector/media/blob-store';
import { Message } from '../../schema/entities/message.entity';
import { Membership } from '../../schema/entities/membership.entity';

const Params = z.object({ messageId: z.string().uuid() });
const Query = z.object({ expires: z.coerce.number().int().optional(), signature: z.string().max(128).optional() });
/** Only these are shown in the page; anything else (a document) is a download. */
const INLINE = /^(image|audio|video)\//;

/** `verify`: the api's access-token verifier. */
export async function mediaRoutes(app: FastifyInstance, deps: ApiDeps, verify: (token: string) => Promise<AccessClaims>): Promise<void> {
  const blobs = createBlobStore(deps.config.media);

  app.get('/media/:messageId', async (request, reply) => {
    const params = Params.safeParse(request.params);
    const query = Query.safeParse(request.query);
    if (!params.success || !query.success) return notFound(reply);
    const em = deps.orm.em.fork();
    const message = await em.findOne(Message, { id: params.data.messageId }, { fields: ['id', 'workspaceId', 'type', 'media'] });
    const media = message?.media;
    if (!message || !media?.blobKey) return notFound(reply);

    const { expires, signature } = query.data;
    const signed = expires !== undefined && signature !== undefined && mediaSignatureIsValid(deps.config.jwtSecret, message.workspaceId, message.id, expires, signature);
    if (!signed && !(await isMember(request.headers.authorization, message.workspaceId))) return notFound(reply);

    const blob = await blobs.get(media.blobKey);
    if (!blob) return notFound(reply);
    const mimeType = media.mimeType ?? 'application/octet-stream';
    const fileName = (media.fileName ?? message.id).replace(/["\\\r\n]/g, '_');
    return reply
      .header('content-type', mimeType)
      .header('content-length', blob.size)
      .header('content-disposition', `${INLINE.test(mimeType) && message.type !== 'DOCUMENT' ? 'inline' : 'attachment'}; filename="${fileName}"`)
      .header('cache-control', 'private, max-age=600')
      .send(blob.body);
  });

  async function isMember(authorization: string | undefined, workspaceId: string): Promise<boolean> {
    const token = bearerToken(authorization);
    if (!token) return false;
    const claims = await verify(token).catch(() => null);
    if (!claims || claims.workspaceId !== workspaceId) return false;
    return (await deps.orm.em.fork().count(Membership, { workspaceId, userId: claims.userId })) > 0;
  }
}

function notFound(reply: FastifyReply) {
  return reply.code(404).send({ error: 'not found' });
}
