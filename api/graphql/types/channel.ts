import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { validate } from '../errors';
import { Channel, CHANNEL_KINDS, CHANNEL_STATUSES, type ChannelKind, type ChannelOptions, type ChannelStatus } from '../../../schema/entities/channel.entity';
import { publish } from '../../../activities/events';
import { encryptSecret } from '../../../schema/crypto';

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
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const SimulatorChannelInput = builder.inputType('SimulatorChannelInput', {
  fields: (t) => ({
    idempotentWire: t.boolean({
      description: 'Default true: the wire takes a repeated send as the same message, as WhatsApp Web does. False: it deduplicates nothing, as the Cloud API.',
    }),
  }),
});

const CreateChannelInput = builder.inputType('CreateChannelInput', {
  fields: (t) => ({
    kind: t.field({ type: ChannelKindEnum, required: true }),
    name: t.string({ required: true }),
    credentials: t.string({ description: 'The channel\'s secrets as JSON (Cloud API token, …); stored encrypted, never returned.' }),
    simulator: t.field({ type: SimulatorChannelInput, description: 'SIMULATOR only: how its wire behaves.' }),
  }),
});

const secret = z.string().trim().min(1, 'is required').max(1024, 'is longer than 1024 characters');

/** The credentials each kind of channel takes, when given; a kind without any takes none or `{}`. */
const CREDENTIALS: Record<ChannelKind, z.ZodType<Record<string, string>>> = {
  CLOUD_API: z.strictObject({ phoneNumberId: secret, businessAccountId: secret, accessToken: secret, appSecret: secret, verifyToken: secret }),
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
  })
  .refine((input) => !input.simulator || input.kind === 'SIMULATOR', { message: 'is only for SIMULATOR channels', path: ['simulator'] })
  .transform((input, issues) => {
    const credentials = parseCredentials(input.kind, input.credentials);
    if (typeof credentials === 'string') {
      issues.addIssue({ code: 'custom', path: ['credentials'], message: credentials });
      return z.NEVER;
    }
    return { ...input, credentials };
  });

/** The credentials as the kind needs them (null when it needs none), or why they are not. */
function parseCredentials(kind: ChannelKind, text: string | null | undefined): Record<string, string> | null | string {
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
      // The simulator is connected from the start; real numbers wait for a QR scan or credentials.
      const status: ChannelStatus = input.kind === 'SIMULATOR' ? 'CONNECTED' : 'PENDING';
      const id = randomUUID();
      const credentialsEncrypted = input.credentials ? encryptSecret(ctx.config.encryptionKey, JSON.stringify(input.credentials), `channel:${id}`) : null;
      const options: ChannelOptions | null = input.simulator?.idempotentWire == null ? null : { simulator: { idempotentWire: input.simulator.idempotentWire } };
      return ctx.orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        const channel = em.create(Channel, { id, workspaceId, kind: input.kind, name: input.name, status, credentialsEncrypted, options });
        await em.flush();
        await publish(em, { type: 'channelAdded', workspaceId, channelId: id });
        return channel;
      });
    },
  }),
);
