import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { validate } from '../errors';
import { CHANNEL_KINDS, CHANNEL_STATUSES, type ChannelKind, type ChannelStatus } from '../../../schema/entities/channel.entity';
import { publish } from '../../../activities/events';
import { encryptSecret } from '../../../schema/crypto';

export interface ChannelView {
  id: string;
  kind: ChannelKind;
  name: string;
  status: ChannelStatus;
  createdAt: Date;
}

export const ChannelKindEnum = builder.enumType('ChannelKind', { values: CHANNEL_KINDS });
export const ChannelStatusEnum = builder.enumType('ChannelStatus', { values: CHANNEL_STATUSES });

export const ChannelType = builder.objectRef<ChannelView>('Channel').implement({
  description: 'A WhatsApp number connected to the workspace.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: ChannelKindEnum, resolve: (c) => c.kind }),
    name: t.exposeString('name'),
    status: t.field({ type: ChannelStatusEnum, resolve: (c) => c.status }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreateChannelInput = builder.inputType('CreateChannelInput', {
  fields: (t) => ({
    kind: t.field({ type: ChannelKindEnum, required: true }),
    name: t.string({ required: true }),
    credentials: t.string({ description: 'The channel\'s secrets as JSON (Cloud API token, …); stored encrypted, never returned.' }),
  }),
});

const createChannelSchema = z.object({
  kind: z.enum(CHANNEL_KINDS),
  name: z.string().trim().min(1, 'is required').max(80, 'is longer than 80 characters'),
  credentials: z
    .string()
    .max(16_384, 'is longer than 16 KiB')
    .refine((text) => {
      try {
        return typeof JSON.parse(text) === 'object';
      } catch {
        return false;
      }
    }, 'must be a JSON object')
    .nullish(),
});

builder.queryField('channels', (t) =>
  t.field({
    type: [ChannelType],
    resolve: async (_root, _args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      const rows = await ctx.orm.em.fork().execute<{ id: string; kind: ChannelKind; name: string; status: ChannelStatus; created_at: Date }[]>(
        'select id, kind, name, status, created_at from channels where workspace_id = ? order by created_at',
        [workspaceId],
      );
      return rows.map((r) => ({ id: r.id, kind: r.kind, name: r.name, status: r.status, createdAt: r.created_at }));
    },
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
      const channel = { id: randomUUID(), kind: input.kind, name: input.name, status, createdAt: new Date() };
      const em = ctx.orm.em.fork();
      const sealed = input.credentials ? encryptSecret(ctx.config.encryptionKey, input.credentials, `channel:${channel.id}`) : null;
      await em.execute('insert into channels (id, workspace_id, kind, name, status, credentials_encrypted, created_at) values (?, ?, ?, ?, ?, ?, ?)', [
        channel.id, workspaceId, channel.kind, channel.name, channel.status, sealed, channel.createdAt,
      ]);
      await publish(em, { type: 'channelAdded', workspaceId, channelId: channel.id });
      return channel;
    },
  }),
);
