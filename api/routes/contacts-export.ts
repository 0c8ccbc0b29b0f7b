/**
 * GET /exports/contacts?grant=…&signature=…: the CSV exportContacts signed a URL for, streamed as
 * it is read (api/contacts/contacts-csv.ts). A bad, changed or expired URL gets 404.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../graphql/context';
import { verifiedExportGrant } from '../auth/export-url';
import { contactFilterSchema } from '../../schema/contacts/contact-filter';
import { contactsCsv } from '../contacts/contacts-csv';

const Query = z.object({ grant: z.string().max(8192), signature: z.string().max(128) });

export async function contactsExportRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/exports/contacts', async (request, reply) => {
    const query = Query.safeParse(request.query);
    const grant = query.success ? verifiedExportGrant(deps.config.jwtSecret, query.data.grant, query.data.signature) : null;
    const filter = grant ? contactFilterSchema.safeParse(grant.filter) : null;
    if (!grant || !filter?.success) return reply.code(404).send({ error: 'not found' });
    const csv = await contactsCsv(deps.orm.em.fork(), grant.workspaceId, filter.data);
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="contacts-${day}.csv"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });
}
