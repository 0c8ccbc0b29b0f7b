/**
 * What owners and admins do with a channel's session: connect it again, disconnect it, link a
 * phone by pairing code, change its settings. The connector holding the session is asked through
 * a `channelCommand` event (activities/events.ts); a pairing code is its answer.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { MANAGERS, requireAuth, type GraphQLContext } from '../context';
import { badInput, notFound, validate } from '../errors';
import { Channel, STOPPED_CHANNEL_STATUSES } from '../../../schema/entities/channel.entity';
import { publish, type ChannelCommand } from '../../../activities/events';
import { recordChannelStatus } from '../../../connector/channels/channel-status';
import { toContactKey } from '../../../connector/phone';
import { ChannelType } from './channel';

/** How long requestPairingCode waits for the connector holding the session. */
const PAIRING_CODE_WAIT_MS = 20_000;

const channelIdSchema = z.string().uuid('is not a channel id');

/** connectChannel and disconnectChannel: the status written first (so reconcile agrees), then the command to the connectors. */
const SESSION_SWITCHES = [
  {
    name: 'connectChannel',
    description: 'Starts a WhatsApp Web channel again after DISCONNECTED, LOGGED_OUT or BANNED (a new QR code when it was logged out); a running one is left as it is.',
    status: 'CONNECTING',
    command: { kind: 'connect' },
    applies: (channel: Channel) => STOPPED_CHANNEL_STATUSES.includes(channel.status),
  },
  {
    name: 'disconnectChannel',
    description: "Closes a WhatsApp Web channel's session (its link to the phone stays): DISCONNECTED until connectChannel.",
    status: 'DISCONNECTED',
    command: { kind: 'disconnect' },
    applies: () => true,
  },
] as const;

for (const change of SESSION_SWITCHES) {
  builder.mutationField(change.name, (t) =>
    t.field({
      type: ChannelType,
      description: change.description,
      args: { channelId: t.arg.id({ required: true }) },
      resolve: async (_root, args, ctx) => {
        const { channel, workspaceId } = await baileysChannel(ctx, args.channelId);
        if (!change.applies(channel)) return channel;
        await recordChannelStatus(ctx.orm, workspaceId, channel.id, { status: change.status, error: null, qrCode: null });
        await command(ctx, workspaceId, channel.id, change.command);
        return reloaded(ctx, workspaceId, channel.id);
      },
    }),
  );
}

builder.mutationField('requestPairingCode', (t) =>
  t.string({
    nullable: true,
    description: 'Links a phone without scanning: the code to type in WhatsApp on that phone (Linked devices → Link with phone number). The channel must be showing a QR code.',
    args: { channelId: t.arg.id({ required: true }), phone: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const phone = validate(z.string().trim().refine((p) => isPhone(p), 'is not a phone number in international format, like +4915112345678'), args.phone);
      const { channel, workspaceId } = await baileysChannel(ctx, args.channelId);
      if (channel.status !== 'QR_REQUIRED') throw badInput('channelId: the channel is not waiting to be linked: connect it and wait for its QR code', 'channelId');
      const requestId = randomUUID();
      const reply = ctx.live.awaitReply(requestId, PAIRING_CODE_WAIT_MS);
      await command(ctx, workspaceId, channel.id, { kind: 'pairingCode', phone }, requestId);
      const answer = await reply;
      if (!answer) throw badInput('channelId: no connector holds this channel right now; try again in a minute', 'channelId');
      if (answer.error) throw badInput(`channelId: ${answer.error}`, 'channelId');
      return answer.result ?? null;
    },
  }),
);

const UpdateChannelSettingsInput = builder.inputType('UpdateChannelSettingsInput', {
  fields: (t) => ({
    channelId: t.id({ required: true }),
    ignoreGroups: t.boolean(),
    ignoreBroadcasts: t.boolean(),
    ignoreStatus: t.boolean(),
    takeOverOnPhoneReply: t.boolean(),
    ratePerMinute: t.int({ description: 'Sends per minute at most (1–1000).' }),
  }),
});

const settingsSchema = z.object({
  channelId: channelIdSchema,
  ignoreGroups: z.boolean().nullish(),
  ignoreBroadcasts: z.boolean().nullish(),
  ignoreStatus: z.boolean().nullish(),
  takeOverOnPhoneReply: z.boolean().nullish(),
  ratePerMinute: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').nullish(),
});

builder.mutationField('updateChannelSettings', (t) =>
  t.field({
    type: ChannelType,
    description: 'Changes what a channel ignores and how fast it sends; fields left out keep their value.',
    args: { input: t.arg({ type: UpdateChannelSettingsInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const { channelId, ...changes } = validate(settingsSchema, args.input);
      const updated = await ctx.orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        const channel = await em.findOne(Channel, { id: channelId, workspaceId });
        if (!channel) throw notFound('channel');
        const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== null && value !== undefined));
        channel.options = { ...(channel.options ?? {}), ...given };
        await em.flush();
        await publish(em, { type: 'channelUpdated', workspaceId, channelId });
        return channel;
      });
      await command(ctx, workspaceId, channelId, { kind: 'settings' });
      return updated;
    },
  }),
);

/** The caller's (an owner's or admin's) WhatsApp Web channel; NOT_FOUND in another workspace. */
async function baileysChannel(ctx: GraphQLContext, id: string | number): Promise<{ channel: Channel; workspaceId: string }> {
  const { workspaceId } = requireAuth(ctx, MANAGERS);
  const channelId = validate(channelIdSchema, String(id));
  const channel = await ctx.orm.em.fork().findOne(Channel, { id: channelId, workspaceId });
  if (!channel) throw notFound('channel');
  if (channel.kind !== 'BAILEYS') throw badInput('channelId: only a WhatsApp Web (BAILEYS) channel has a session to manage', 'channelId');
  return { channel, workspaceId };
}

async function command(ctx: GraphQLContext, workspaceId: string, channelId: string, command: ChannelCommand, requestId = randomUUID()): Promise<void> {
  await publish(ctx.orm.em.fork() as EntityManager, { type: 'channelCommand', workspaceId, channelId, command, requestId });
}

async function reloaded(ctx: GraphQLContext, workspaceId: string, channelId: string): Promise<Channel> {
  return (await ctx.orm.em.fork().findOne(Channel, { id: channelId, workspaceId }))!;
}

function isPhone(phone: string): boolean {
  try {
    toContactKey(phone);
    return true;
  } catch {
    return false;
  }
}
