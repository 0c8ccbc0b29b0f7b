import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { MANAGERS, requireAuth, type GraphQLContext } from '../context';
import { validate } from '../errors';
import { Channel, CHANNEL_KINDS, CHANNEL_STATUSES, type ChannelKind, type ChannelOptions, type ChannelStatus } from '../../../schema/entities/channel.entity';
import { publish } from '../../../activities/events';
import { encryptSecret } from '../../../schema/crypto';
import { ChannelStatusChange } from '../../../schema/entities/channel-status-change.entity';
import { Message } from '../../../schema/entities/message.entity';
import { channelSettings, ChannelSettingsType } from './channel-settings';
import { cloudCredentials, credentialsScope, type CloudCredentials } from '../../../connector/channels/cloud-api/credentials';
import { connectCloudChannel } from '../../../connector/channels/cloud-api/connect';
import { DEFAULT_RATE_PER_SECOND } from '../../../connector/channels/cloud-api/cloud-api.channel';

export const ChannelKindEnum = builder.enumType('ChannelKind', { values: CHANNEL_KINDS });
export const ChannelStatusEnum = builder.enumType('ChannelStatus', { values: CHANNEL_STATUSES });

/** A WhatsApp number of the workspace (the Channel entity; its credentials are never exposed). */
export const ChannelType = builder.objectRef<Channel>('Channel').implement({
  description: 'A WhatsApp number connected to the workspace.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: ChannelKindEnum, resolve: (c) => c.kind }),
    name: t.exposeString('name'),
    status: t.field({ type: ChannelStatusEnum, resolve: (c) => c.status }),
    lastError: t.string({ nullable: true, description: 'Why the channel last failed or stopped, in words.', resolve: (c) => c.lastError ?? null }),
    qrCode: t.string({
      nullable: true,
      description: 'While QR_REQUIRED, the QR payload to scan with WhatsApp on the phone (owners and admins only: scanning it links a phone to the number).',
      resolve: (c, _args, ctx) => (canLink(ctx) ? (c.qrCode ?? null) : null),
    }),
    qrImage: t.string({
      nullable: true,
      description: 'qrCode rendered as a PNG data: URL, for an <img>.',
      // qrcode (~13 MB resident) loads with the first QR a manager looks at.
      resolve: async (c, _args, ctx) => (canLink(ctx) && c.qrCode ? (await import('qrcode')).default.toDataURL(c.qrCode, { margin: 1, width: 264 }) : null),
    }),
    statusHistory: t.field({
      type: [ChannelStatusChangeType],
      description: 'The latest status changes, newest first.',
      args: { last: t.arg.int({ defaultValue: 20, description: 'How many (1–100).' }) },
      resolve: (c, args, ctx) => {
        const last = validate(z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100'), args.last ?? 20);
        return ctx.orm.em.fork().find(ChannelStatusChange, { channelId: c.id, workspaceId: c.workspaceId }, { orderBy: { at: 'desc' }, limit: last });
      },
    }),
    messagesToday: t.int({
      description: 'Messages in and out on this channel since midnight (UTC).',
      resolve: (c, _args, ctx) => ctx.orm.em.fork().count(Message, { channelId: c.id, workspaceId: c.workspaceId, createdAt: { $gte: startOfUtcDay() } }),
    }),
    settings: t.field({ type: ChannelSettingsType, resolve: (c) => channelSettings(c.options ?? null) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

/** One step of a channel's status history. */
const ChannelStatusChangeType = builder.objectRef<ChannelStatusChange>('ChannelStatusChange').implement({
  description: 'A channel entered this status (with its error, if any) at this time.',
  fields: (t) => ({
    status: t.field({ type: ChannelStatusEnum, resolve: (s) => s.status }),
    error: t.string({ nullable: true, resolve: (s) => s.error ?? null }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

function canLink(ctx: GraphQLContext): boolean {
  return Boolean(ctx.auth && !('error' in ctx.auth) && MANAGERS.includes(ctx.auth.role));
}

function startOfUtcDay(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

const SimulatorChannelInput = builder.inputType('SimulatorChannelInput', {
  fields: (t) => ({
    idempotentWire: t.boolean({
      description: 'Default true: the wire takes a repeated send as the same message, as WhatsApp Web does. False: it deduplicates nothing, as the Cloud API.',
    }),
  }),
});

const CloudApiChannelInput = builder.inputType('CloudApiChannelInput', {
  fields: (t) => ({
    ratePerSecond: t.int({ description: `Messages per second at most, across every connector (default ${DEFAULT_RATE_PER_SECOND}, Meta's standard throughput).` }),
  }),
});

const CreateChannelInput = builder.inputType('CreateChannelInput', {
  fields: (t) => ({
    kind: t.field({ type: ChannelKindEnum, required: true }),
    name: t.string({ required: true }),
    credentials: t.string({ description: 'The channel\'s secrets as JSON (Cloud API token, …); stored encrypted, never returned.' }),
    simulator: t.field({ type: SimulatorChannelInput, description: 'SIMULATOR only: how its wire behaves.' }),
    cloudApi: t.field({ type: CloudApiChannelInput, description: 'CLOUD_API only: its send rate.' }),
  }),
});

/** The credentials each kind of channel takes, when given; a kind without any takes none or `{}`. */
const CREDENTIALS: Record<ChannelKind, z.ZodType<Record<string, string>>> = {
  CLOUD_API: cloudCredentials,
  // A WhatsApp Web session is paired by QR code or pairing code, not given credentials.
  BAILEYS: z.strictObject({}),
  SIMULATOR: z.strictObject({}),
};

const MAX_CREDENTIALS = 16_384;

const createChannelSchema = z
  .object({
    kind: z.enum(CHANNEL_KINDS),
    name: z.string().trim().min(1, 'is required').max(80, 'is longer than 80 characters'),
    credentials: z.string().max(MAX_CREDENTIALS, 'is longer than 16 KiB').nullish(),
    simulator: z.object({ idempotentWire: z.boolean().nullish() }).nullish(),
    cloudApi: z.object({ ratePerSecond: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').nullish() }).nullish(),
  })
  .refine((input) => !input.simulator || input.kind === 'SIMULATOR', { message: 'is only for SIMULATOR channels', path: ['simulator'] })
  .refine((input) => !input.cloudApi || input.kind === 'CLOUD_API', { message: 'is only for CLOUD_API channels', path: ['cloudApi'] })
  .transform((input, issues) => {
    const credentials = parseCredentials(input.kind, input.credentials);
    if (typeof credentials === 'string') {
      issues.addIssue({ code: 'custom', path: ['credentials'], message: credentials });
      return z.NEVER;
    }
    return { ...input, credentials };
  });

/** The credentials as the kind needs them (null when it needs none), or why they are not. */
export function parseCredentials(kind: ChannelKind, text: string | null | undefined): Record<string, string> | null | string {
  // A Cloud API number may be added first and given its credentials later.
  if (text === null || text === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'must be a JSON object';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'must be a JSON object';
  const parsed = CREDENTIALS[kind].safeParse(json);
  if (parsed.success) return Object.keys(parsed.data).length ? parsed.data : null;
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    return kind === 'CLOUD_API' ? `has unknown keys: ${issue.keys.join(', ')}` : `a ${kind} channel takes no credentials`;
  }
  return `${issue.path.join('.')}: ${issue.message}`;
}

builder.queryField('channels', (t) =>
  t.field({
    type: [ChannelType],
    resolve: (_root, _args, ctx) => ctx.orm.em.fork().find(Channel, { workspaceId: requireAuth(ctx).workspaceId }, { orderBy: { createdAt: 'asc' } }),
  }),
);

builder.mutationField('createChannel', (t) =>
  t.field({
    type: ChannelType,
    args: { input: t.arg({ type: CreateChannelInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(createChannelSchema, args.input);
      // The simulator is connected from the start; a WhatsApp Web number starts connecting (to show its QR); a Cloud API number waits for credentials.
      const status: ChannelStatus = input.kind === 'SIMULATOR' ? 'CONNECTED' : input.kind === 'BAILEYS' ? 'CONNECTING' : 'PENDING';
      const id = randomUUID();
      const credentialsEncrypted = input.credentials ? encryptSecret(ctx.config.encryptionKey, JSON.stringify(input.credentials), credentialsScope(id)) : null;
      const options: ChannelOptions | null =
        input.simulator?.idempotentWire != null ? { simulator: { idempotentWire: input.simulator.idempotentWire } }
        : input.cloudApi?.ratePerSecond != null ? { cloudApi: { ratePerSecond: input.cloudApi.ratePerSecond } }
        : null;
      const channel = await ctx.orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        const created = em.create(Channel, { id, workspaceId, kind: input.kind, name: input.name, status, credentialsEncrypted, options });
        em.create(ChannelStatusChange, { id: randomUUID(), workspaceId, channelId: id, status });
        await em.flush();
        await publish(em, { type: 'channelAdded', workspaceId, channelId: id });
        return created;
      });
      if (input.kind === 'CLOUD_API' && input.credentials) {
        await connectCloudChannel(ctx.orm, ctx.config.graphApi, workspaceId, id, input.credentials as CloudCredentials);
        return ctx.orm.em.fork().findOneOrFail(Channel, { id, workspaceId });
      }
      return channel;
    },
  }),
);
