/**
 * Broadcasts (issue 12): campaigns to many contacts over one channel. The row is what lists read;
 * broadcastWorkflow (`broadcast:<id>`) runs it, and pause / resume / cancel are its signals.
 */
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { AGENTS, MANAGERS, requireAuth, type GraphQLContext } from '../context';
import { badInput, clientError, notFound, validate } from '../errors';
import { decodeCursor, encodeCursor, toConnection, connectionType } from '../pagination';
import { Broadcast, BROADCAST_STATUSES, type BroadcastAudience, type BroadcastTemplate } from '../../../schema/entities/broadcast.entity';
import { BROADCAST_RECIPIENT_STATUSES, type BroadcastRecipientStatus } from '../../../schema/entities/broadcast-recipient.entity';
import { Channel } from '../../../schema/entities/channel.entity';
import { Contact } from '../../../schema/entities/contact.entity';
import { Label } from '../../../schema/entities/label.entity';
import { contactWhereSql, prepareContactQuery } from '../../../schema/contacts/contact-query';
import type { ContactFilter } from '../../../schema/contacts/contact-filter';
import { findSegment } from './segment';
import { ContactType } from './contact';
import { renderTemplate } from '../../../workflows/flows/variables';
import { broadcastWorkflowId } from '../../../workflows/ids';
import { signalBroadcast, startBroadcastWorkflow } from '../../../workflows/broadcast.client';

const BroadcastStatusEnum = builder.enumType('BroadcastStatus', { values: BROADCAST_STATUSES });
const BroadcastRecipientStatusEnum = builder.enumType('BroadcastRecipientStatus', { values: BROADCAST_RECIPIENT_STATUSES });

type Counts = Record<BroadcastRecipientStatus, number>;
/** One grouped count per broadcast per request, however many count fields the query asks. */
const countsOf = new WeakMap<Broadcast, Promise<Counts>>();
function counts(b: Broadcast, ctx: GraphQLContext): Promise<Counts> {
  let found = countsOf.get(b);
  if (!found) {
    found = ctx.orm.em
      .fork()
      .execute<{ status: BroadcastRecipientStatus; n: number }[]>(
        `select status, count(*)::int as n from broadcast_recipients where broadcast_id = ? and workspace_id = ? group by status`,
        [b.id, b.workspaceId],
      )
      .then((rows) => Object.fromEntries(BROADCAST_RECIPIENT_STATUSES.map((s) => [s, rows.find((r) => r.status === s)?.n ?? 0])) as Counts);
    countsOf.set(b, found);
  }
  return found;
}

interface RecipientView {
  id: string;
  contactId: string;
  status: BroadcastRecipientStatus;
  error: string | null;
  sentAt: Date | null;
  workspaceId: string;
}

const BroadcastRecipientType = builder.objectRef<RecipientView>('BroadcastRecipient').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    contact: t.field({ type: ContactType, resolve: (r, _a, ctx) => ctx.orm.em.fork().findOneOrFail(Contact, { id: r.contactId, workspaceId: r.workspaceId }) }),
    status: t.field({ type: BroadcastRecipientStatusEnum, resolve: (r) => r.status }),
    error: t.exposeString('error', { nullable: true, description: 'Why it was SKIPPED (opted out, blocked, invalid number, broadcast cancelled), FAILED or is UNCERTAIN.' }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true }),
  }),
});
const BroadcastRecipientConnection = connectionType('BroadcastRecipient', BroadcastRecipientType);

const count = (status: BroadcastRecipientStatus) => (b: Broadcast, _a: unknown, ctx: GraphQLContext) => counts(b, ctx).then((c) => c[status]);

const BroadcastTemplateType = builder.objectRef<BroadcastTemplate>('BroadcastTemplate').implement({
  fields: (t) => ({ name: t.exposeString('name'), language: t.exposeString('language'), variables: t.exposeStringList('variables') }),
});

export const BroadcastType = builder.objectRef<Broadcast>('Broadcast').implement({
  description: 'A campaign to many contacts over one channel; counts are per recipient status.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    channelId: t.exposeID('channelId'),
    status: t.field({ type: BroadcastStatusEnum, resolve: (b) => b.status }),
    text: t.exposeString('text', { nullable: true }),
    template: t.field({ type: BroadcastTemplateType, nullable: true, resolve: (b) => b.template ?? null }),
    audience: t.field({ type: 'JSON', description: 'The BroadcastAudienceInput it was created with.', resolve: (b) => b.audience }),
    scheduledAt: t.expose('scheduledAt', { type: 'DateTime', nullable: true }),
    ratePerMinute: t.exposeInt('ratePerMinute', { nullable: true }),
    total: t.exposeInt('total', { description: 'Recipients snapshotted when it started (0 before).' }),
    pending: t.int({ resolve: count('PENDING') }),
    sent: t.int({ resolve: count('SENT') }),
    delivered: t.int({ resolve: count('DELIVERED') }),
    read: t.int({ resolve: count('READ') }),
    failed: t.int({ resolve: count('FAILED') }),
    skipped: t.int({ resolve: count('SKIPPED') }),
    uncertain: t.int({ resolve: count('UNCERTAIN') }),
    error: t.exposeString('error', { nullable: true, description: 'Why it is FAILED: its channel refuses every send (credentials rejected, number locked), or its workflow failed. Null otherwise.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    temporalUrl: t.string({
      nullable: true,
      description: 'The workflow in the Temporal Web UI (OWNER / ADMIN only; null for other roles).',
      resolve: (b, _a, ctx) =>
        !MANAGERS.includes(requireAuth(ctx).role)
          ? null
          : `${ctx.config.temporalUiUrl}/namespaces/${encodeURIComponent(ctx.config.temporalNamespace)}/workflows/${encodeURIComponent(broadcastWorkflowId(b.id))}`,
    }),
    recipients: t.field({
      type: BroadcastRecipientConnection,
      args: { first: t.arg.int(), after: t.arg.string(), status: t.arg({ type: BroadcastRecipientStatusEnum }) },
      resolve: async (b, args, ctx) => {
        const { first } = validate(z.object({ first: z.number().int().min(1).max(500) }), { first: args.first ?? 50 });
        const after = args.after ? decodeCursor(args.after)[1] : null;
        const rows = await ctx.orm.em.fork().execute<{ id: string; contact_id: string; status: BroadcastRecipientStatus; error: string | null; sent_at: Date | null }[]>(
          `select id, contact_id, status, error, sent_at from broadcast_recipients
             where broadcast_id = ? and workspace_id = ?${args.status ? ' and status = ?' : ''}${after ? ' and id > ?' : ''} order by id limit ?`,
          [b.id, b.workspaceId, ...(args.status ? [args.status] : []), ...(after ? [after] : []), first + 1],
        );
        const views = rows.map((r) => ({ id: r.id, contactId: r.contact_id, status: r.status, error: r.error, sentAt: r.sent_at, workspaceId: b.workspaceId }));
        return toConnection(views, first, (r) => encodeCursor(0, r.id));
      },
    }),
  }),
});
const BroadcastConnection = connectionType('Broadcast', BroadcastType);

const BroadcastTemplateInput = builder.inputType('BroadcastTemplateInput', {
  fields: (t) => ({ name: t.string({ required: true }), language: t.string({ required: true }), variables: t.stringList() }),
});
const BroadcastAudienceInput = builder.inputType('BroadcastAudienceInput', {
  description: 'Exactly one: contacts with any of these labels, a segment, or these contacts.',
  fields: (t) => ({ labelIds: t.idList(), segmentId: t.id(), contactIds: t.idList() }),
});
const CreateBroadcastInput = builder.inputType('CreateBroadcastInput', {
  description: 'Exactly one of text and template. Text and template variables may use {{contact.name}}, {{contact.phone}}, {{contact.fields.<key>}}.',
  fields: (t) => ({
    name: t.string({ required: true }),
    channelId: t.id({ required: true }),
    text: t.string(),
    template: t.field({ type: BroadcastTemplateInput }),
    audience: t.field({ type: BroadcastAudienceInput, required: true }),
    scheduledAt: t.field({ type: 'DateTime' }),
    ratePerMinute: t.int(),
  }),
});

const uuid = z.string().uuid('is not an id');
const audienceSchema = z
  .object({
    labelIds: z.array(uuid).min(1).max(100).nullish(),
    segmentId: uuid.nullish(),
    contactIds: z.array(uuid).min(1).max(100_000).nullish(),
  })
  .refine((a) => [a.labelIds, a.segmentId, a.contactIds].filter((x) => x != null).length === 1, 'give exactly one of labelIds, segmentId, contactIds');
const templateSchema = z.object({
  name: z.string().trim().regex(/^[a-z0-9_]{1,512}$/, 'is not a template name (lower case, digits, _)'),
  language: z.string().trim().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'is not a language code (en, en_US)'),
  variables: z.array(z.string().max(1024)).max(20).nullish(),
});
const createSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    channelId: uuid,
    text: z.string().trim().min(1, 'must not be empty').max(4096).nullish(),
    template: templateSchema.nullish(),
    audience: audienceSchema,
    scheduledAt: z.date().nullish(),
    ratePerMinute: z.number().int().min(1).max(100_000).nullish(),
  })
  .refine((i) => (i.text == null) !== (i.template == null), { message: 'give exactly one of text and template', path: ['text'] });

/** The audience of the workspace, checked (labels, segment, contacts exist in it), as stored. */
async function checkedAudience(em: EntityManager, workspaceId: string, audience: z.infer<typeof audienceSchema>): Promise<BroadcastAudience> {
  if (audience.labelIds) {
    if ((await em.count(Label, { id: { $in: audience.labelIds }, workspaceId })) !== new Set(audience.labelIds).size) throw badInput('audience.labelIds: a label was not found', 'audience.labelIds');
    return { labelIds: [...new Set(audience.labelIds)] };
  }
  if (audience.segmentId) return { segmentId: (await findSegment(em, workspaceId, audience.segmentId)).id };
  const ids = [...new Set(audience.contactIds!)];
  if ((await em.count(Contact, { id: { $in: ids }, workspaceId })) !== ids.length) throw badInput('audience.contactIds: a contact was not found', 'audience.contactIds');
  return { contactIds: ids };
}

/** How many contacts an audience means now, and how many of them would be sent (not opted out, not blocked). */
async function audienceCount(em: EntityManager, workspaceId: string, audience: BroadcastAudience): Promise<{ total: number; sendable: number }> {
  let where: { sql: string; params: unknown[] };
  if (audience.contactIds) where = { sql: 'c.workspace_id = ? and c.id = any(?::uuid[])', params: [workspaceId, `{${audience.contactIds.join(',')}}`] };
  else {
    const filter: ContactFilter = audience.segmentId ? (await findSegment(em, workspaceId, audience.segmentId)).filter : { labelIds: audience.labelIds };
    where = contactWhereSql((await prepareContactQuery(em, workspaceId, filter, false)).query);
  }
  const [row] = await em.execute<{ total: number; sendable: number }[]>(
    `select count(*)::int as total, count(*) filter (where not c.opted_out and not c.blocked)::int as sendable from contacts c where ${where.sql}`,
    where.params,
  );
  return row;
}

async function findBroadcast(em: EntityManager, workspaceId: string, id: string): Promise<Broadcast> {
  const found = uuid.safeParse(id).success ? await em.findOne(Broadcast, { id, workspaceId }) : null;
  if (!found) throw notFound('broadcast');
  return found;
}

builder.queryField('broadcast', (t) =>
  t.field({
    type: BroadcastType,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const id = String(args.id);
      return uuid.safeParse(id).success ? ctx.orm.em.fork().findOne(Broadcast, { id, workspaceId }) : null;
    },
  }),
);

builder.queryField('broadcasts', (t) =>
  t.field({
    type: BroadcastConnection,
    description: "The workspace's broadcasts, newest first.",
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (_r, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const { first } = validate(z.object({ first: z.number().int().min(1).max(100) }), { first: args.first ?? 20 });
      const after = args.after ? decodeCursor(args.after) : null;
      const rows = await ctx.orm.em
        .fork()
        .find(
          Broadcast,
          after ? { workspaceId, $or: [{ createdAt: { $lt: new Date(String(after[0])) } }, { createdAt: new Date(String(after[0])), id: { $lt: after[1] } }] } : { workspaceId },
          { orderBy: { createdAt: 'desc', id: 'desc' }, limit: first + 1 },
        );
      return toConnection(rows, first, (b) => encodeCursor(b.createdAt, b.id));
    },
  }),
);

const AudienceCountType = builder.objectRef<{ total: number; sendable: number }>('BroadcastAudienceCount').implement({
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Contacts the audience means now.' }),
    sendable: t.exposeInt('sendable', { description: 'Of them, those a broadcast would send to (not opted out, not blocked).' }),
  }),
});

builder.queryField('broadcastAudienceCount', (t) =>
  t.field({
    type: AudienceCountType,
    description: "The composer's live count of an audience.",
    args: { audience: t.arg({ type: BroadcastAudienceInput, required: true }) },
    resolve: async (_r, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const em = ctx.orm.em.fork();
      const audience = await checkedAudience(em, workspaceId, validate(z.object({ audience: audienceSchema }), { audience: args.audience }).audience);
      return audienceCount(em, workspaceId, audience);
    },
  }),
);

const PreviewType = builder.objectRef<{ text: string | null; variables: string[] | null }>('BroadcastPreview').implement({
  fields: (t) => ({
    text: t.exposeString('text', { nullable: true, description: 'The text as this contact gets it.' }),
    variables: t.exposeStringList('variables', { nullable: true, description: "The template's variables as this contact gets them." }),
  }),
});

builder.queryField('broadcastPreview', (t) =>
  t.field({
    type: PreviewType,
    description: "The composer's preview: a text or template's variables rendered for one contact.",
    args: { contactId: t.arg.id({ required: true }), text: t.arg.string(), template: t.arg({ type: BroadcastTemplateInput }) },
    resolve: async (_r, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const input = validate(z.object({ contactId: uuid, text: z.string().max(4096).nullish(), variables: z.array(z.string().max(1024)).max(20).nullish() }), {
        contactId: String(args.contactId), text: args.text, variables: args.template?.variables,
      });
      const contact = await ctx.orm.em.fork().findOne(Contact, { id: input.contactId, workspaceId });
      if (!contact) throw notFound('contact');
      const scope = { contact: { name: contact.name ?? null, phone: contact.phone, fields: contact.fields }, variables: {} };
      return { text: input.text != null ? renderTemplate(input.text, scope) : null, variables: input.variables ? input.variables.map((v) => renderTemplate(v, scope)) : null };
    },
  }),
);

builder.mutationField('createBroadcast', (t) =>
  t.field({
    type: BroadcastType,
    description: 'OWNER / ADMIN: a DRAFT broadcast; startBroadcast sends it (now, or at scheduledAt).',
    args: { input: t.arg({ type: CreateBroadcastInput, required: true }) },
    resolve: async (_r, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const em = ctx.orm.em.fork();
      const content = await broadcastContent(em, workspaceId, args.input);
      const broadcast = em.create(Broadcast, {
        id: crypto.randomUUID(),
        workspaceId,
        ...content,
        status: 'DRAFT',
        total: 0,
        createdAt: new Date(),
      });
      await em.flush();
      return broadcast;
    },
  }),
);

/** What createBroadcast and updateBroadcast take from their input, validated: the channel and the audience are the workspace's. */
async function broadcastContent(em: EntityManager, workspaceId: string, raw: typeof CreateBroadcastInput.$inferInput) {
  const input = validate(createSchema, { ...raw, channelId: String(raw.channelId) });
  if (!(await em.count(Channel, { id: input.channelId, workspaceId }))) throw badInput('channelId: channel not found', 'channelId');
  return {
    channelId: input.channelId,
    name: input.name,
    text: input.text ?? null,
    template: input.template ? { name: input.template.name, language: input.template.language, variables: input.template.variables ?? [] } : null,
    audience: await checkedAudience(em, workspaceId, input.audience),
    scheduledAt: input.scheduledAt ?? null,
    ratePerMinute: input.ratePerMinute ?? null,
  };
}

builder.mutationField('updateBroadcast', (t) =>
  t.field({
    type: BroadcastType,
    description: 'OWNER / ADMIN: rewrites a DRAFT broadcast (the whole input, as createBroadcast takes it); a broadcast that has started cannot change.',
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: CreateBroadcastInput, required: true }) },
    resolve: async (_r, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const em = ctx.orm.em.fork();
      const broadcast = await findBroadcast(em, workspaceId, String(args.id));
      if (broadcast.status !== 'DRAFT') throw badInput(`the broadcast is ${broadcast.status}: only a draft can be edited`);
      const content = await broadcastContent(em, workspaceId, args.input);
      // Only while still a draft: a start that won the race keeps what it started with.
      const changed = await em.nativeUpdate(Broadcast, { id: broadcast.id, workspaceId, status: 'DRAFT' }, content);
      if (!changed) throw badInput('the broadcast has started: only a draft can be edited');
      return em.fork().findOneOrFail(Broadcast, { id: broadcast.id, workspaceId });
    },
  }),
);

builder.mutationField('deleteBroadcast', (t) =>
  t.field({
    type: 'Boolean',
    description: 'OWNER / ADMIN: deletes a broadcast that reached nobody: a DRAFT, or one cancelled or failed before its audience was taken. One that did is kept for its report.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const em = ctx.orm.em.fork();
      const broadcast = await findBroadcast(em, workspaceId, String(args.id));
      // One statement, so a start that wins the race keeps its broadcast.
      const deleted = await em.execute(
        `delete from broadcasts b where b.id = ? and b.workspace_id = ?
           and (b.status = 'DRAFT' or (b.status in ('CANCELLED', 'FAILED') and not exists (select 1 from broadcast_recipients r where r.broadcast_id = b.id)))
         returning b.id`,
        [broadcast.id, workspaceId],
      );
      if (!deleted.length) throw badInput(`the broadcast is ${broadcast.status}: only a draft, or one that reached nobody, can be deleted (the others are kept for their reports)`);
      return true;
    },
  }),
);

builder.mutationField('startBroadcast', (t) =>
  t.field({
    type: BroadcastType,
    description: 'OWNER / ADMIN: starts a DRAFT broadcast: now, or at its scheduledAt (a durable timer). Starting one already started changes nothing.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const em = ctx.orm.em.fork();
      const broadcast = await findBroadcast(em, workspaceId, String(args.id));
      if (broadcast.status !== 'DRAFT') return broadcast;
      await startBroadcastWorkflow(ctx.temporal, ctx.config.taskQueue, {
        workspaceId,
        broadcastId: broadcast.id,
        channelId: broadcast.channelId,
        scheduledAt: broadcast.scheduledAt ? broadcast.scheduledAt.toISOString() : null,
        ratePerMinute: broadcast.ratePerMinute ?? null,
      });
      // The workflow writes the status too; this is what the caller sees at once.
      const status = broadcast.scheduledAt && broadcast.scheduledAt.getTime() > Date.now() ? 'SCHEDULED' : 'RUNNING';
      await em.nativeUpdate(Broadcast, { id: broadcast.id, workspaceId, status: 'DRAFT' }, { status });
      return em.fork().findOneOrFail(Broadcast, { id: broadcast.id, workspaceId });
    },
  }),
);

for (const [field, what] of [['pauseBroadcast', 'pause'], ['resumeBroadcast', 'resume'], ['cancelBroadcast', 'cancel']] as const) {
  builder.mutationField(field, (t) =>
    t.field({
      type: BroadcastType,
      description: `OWNER / ADMIN: ${what}s a broadcast (a signal; it takes effect within a second, and the status follows).`,
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, args, ctx) => {
        const { workspaceId } = requireAuth(ctx, MANAGERS);
        const em = ctx.orm.em.fork();
        const broadcast = await findBroadcast(em, workspaceId, String(args.id));
        if (['COMPLETED', 'CANCELLED', 'FAILED'].includes(broadcast.status)) throw clientError('BAD_USER_INPUT', `the broadcast is ${broadcast.status}`);
        if (broadcast.status === 'DRAFT') {
          if (what !== 'cancel') throw badInput('the broadcast has not started');
          await em.nativeUpdate(Broadcast, { id: broadcast.id, workspaceId, status: 'DRAFT' }, { status: 'CANCELLED', finishedAt: new Date() });
        } else {
          await signalBroadcast(ctx.temporal, broadcast.id, what);
        }
        return em.fork().findOneOrFail(Broadcast, { id: broadcast.id, workspaceId });
      },
    }),
  );
}

builder.subscriptionField('broadcastProgress', (t) =>
  t.field({
    type: BroadcastType,
    description: "A broadcast's status or counts moved (after each batch of sends).",
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_r, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      return ctx.live.subscribeBroadcast(workspaceId, String(args.id));
    },
    resolve: (b: Broadcast) => b,
  }),
);
