import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { builder } from '../builder';
import { AGENTS, requireAuth } from '../context';
import { badInput, notFound, validate } from '../errors';
import { MessageType, MessageTypeEnum, loadMessage, type MessageFields } from './message';
import { InvalidPhoneError, UnknownChannelError, WrongChannelKindError, type InboundEnvelope } from '../../../connector/ingress.port';
import { MESSAGE_TYPES, Message, type MessageType as MessageKind } from '../../../schema/entities/message.entity';
import type { EntityManager } from '@mikro-orm/postgresql';

const SimulatedLocationInput = builder.inputType('SimulatedLocationInput', {
  fields: (t) => ({
    latitude: t.float({ required: true }),
    longitude: t.float({ required: true }),
    name: t.string(),
    address: t.string(),
  }),
});

const SimulatedReactionInput = builder.inputType('SimulatedReactionInput', {
  fields: (t) => ({
    messageId: t.id({ required: true, description: 'The message of the conversation reacted to.' }),
    emoji: t.string({ required: true, description: 'An empty string removes the reaction.' }),
  }),
});

const SimulatedReplyInput = builder.inputType('SimulatedReplyInput', {
  description: "A tap on an outbound message's button or list row.",
  fields: (t) => ({
    id: t.string({ required: true, description: "The button's or row's id." }),
    title: t.string({ required: true, description: 'Its title, as WhatsApp sends it with the tap.' }),
  }),
});

const SimulateInboundInput = builder.inputType('SimulateInboundInput', {
  fields: (t) => ({
    channelId: t.id({ required: true }),
    from: t.string({ required: true, description: 'E.164 phone, e.g. "+4915112345678"' }),
    text: t.string({ required: true, description: "The body, a media message's caption, or a summary (a location's \"📍 Cafe Uno\")." }),
    messageId: t.string({ description: "WhatsApp's message id; repeat one to simulate a redelivery. Generated when absent." }),
    name: t.string({ description: "The contact's profile name." }),
    type: t.field({ type: MessageTypeEnum, description: 'TEXT when absent. A media type needs mediaUrl, LOCATION a location, REACTION a reaction.' }),
    replyToMessageId: t.id({ description: 'The message of the conversation this one quotes.' }),
    mediaUrl: t.string({ description: 'The media as a data: URL ("data:image/png;base64,…"); the simulator fetches nothing from anywhere else.' }),
    fileName: t.string({ description: "A document's file name." }),
    location: t.field({ type: SimulatedLocationInput }),
    reaction: t.field({ type: SimulatedReactionInput }),
    reply: t.field({ type: SimulatedReplyInput, description: 'A button or list-row tap: the message is a BUTTON_REPLY (or LIST_REPLY when `type` says so).' }),
  }),
});

const MEDIA_TYPES: readonly MessageKind[] = ['IMAGE', 'AUDIO', 'VOICE', 'VIDEO', 'DOCUMENT', 'STICKER'];
const uuid = z.string().uuid('is not a valid id');
const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)(;[\w=.+-]+)*;base64,[A-Za-z0-9+/]+=*$/;

const schema = z
  .object({
    channelId: uuid,
    from: z.string().min(1, 'is required'),
    text: z.string().min(1, 'is empty').max(4096, 'is longer than WhatsApp allows (4096 characters)'),
    messageId: z.string().min(1).max(128).nullish(),
    name: z.string().trim().max(100).nullish(),
    type: z.enum(MESSAGE_TYPES).nullish(),
    replyToMessageId: uuid.nullish(),
    mediaUrl: z.string().regex(DATA_URL, 'must be a base64 data: URL with a mime type').nullish(),
    fileName: z.string().trim().min(1).max(255).nullish(),
    location: z
      .object({
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
        name: z.string().trim().max(200).nullish(),
        address: z.string().trim().max(500).nullish(),
      })
      .nullish(),
    reaction: z.object({ messageId: uuid, emoji: z.string().max(16, 'is not one emoji') }).nullish(),
    reply: z.object({ id: z.string().trim().min(1, 'is required').max(256, 'is longer than 256 characters'), title: z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters') }).nullish(),
  })
  .superRefine((input, ctx) => {
    const type = input.type ?? (input.reply ? 'BUTTON_REPLY' : 'TEXT');
    if (input.reply && type !== 'BUTTON_REPLY' && type !== 'LIST_REPLY') ctx.addIssue({ code: 'custom', path: ['reply'], message: 'is only for BUTTON_REPLY and LIST_REPLY messages' });
    const need = (field: 'mediaUrl' | 'location' | 'reaction', when: boolean, why: string) => {
      if (when && !input[field]) ctx.addIssue({ code: 'custom', path: [field], message: `is required for a ${type} message` });
      if (!when && input[field]) ctx.addIssue({ code: 'custom', path: [field], message: why });
    };
    need('mediaUrl', MEDIA_TYPES.includes(type), `is only for ${MEDIA_TYPES.join(', ')} messages`);
    need('location', type === 'LOCATION', 'is only for LOCATION messages');
    need('reaction', type === 'REACTION', 'is only for REACTION messages');
  });

builder.mutationField('simulateInbound', (t) =>
  t.field({
    type: MessageType,
    description:
      'A customer writes to a SIMULATOR channel; the message takes the same ingress as real WhatsApp traffic. ' +
      'A REACTION attaches to the message it reacts to, which is returned.',
    args: { input: t.arg({ type: SimulateInboundInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const input = validate(schema, args.input);
      const em = ctx.orm.em.fork();
      const externalId = input.messageId ?? `sim-${randomUUID()}`;
      const type = input.type ?? (input.reply ? 'BUTTON_REPLY' : 'TEXT');
      const envelope: InboundEnvelope = { channelId: input.channelId, externalId, from: input.from, text: input.text, name: input.name, type };
      if (input.replyToMessageId) envelope.replyToExternalId = await externalIdOf(em, workspaceId, input.channelId, input.replyToMessageId, 'replyToMessageId');
      if (input.reaction) {
        envelope.reaction = { targetExternalId: await externalIdOf(em, workspaceId, input.channelId, input.reaction.messageId, 'reaction.messageId'), emoji: input.reaction.emoji };
      }
      // Flat, as the channels' normalizers write a location's details.
      if (input.location) envelope.details = { ...input.location };
      // As the Cloud API's normalizer writes a tap: the chosen id and title.
      if (input.reply) envelope.details = { id: input.reply.id, title: input.reply.title };
      if (input.mediaUrl) {
        const mimeType = input.mediaUrl.slice(5, input.mediaUrl.search(/[;,]/));
        const size = Buffer.byteLength(input.mediaUrl.slice(input.mediaUrl.indexOf(',') + 1), 'base64');
        envelope.media = { id: externalId, mimeType, size, ...(input.fileName ? { fileName: input.fileName } : {}), locator: { dataUrl: input.mediaUrl } };
      }
      try {
        const result = await ctx.ingress.receive(envelope, { workspaceId, kind: 'SIMULATOR' });
        if (result.kind === 'REACTION') return (await loadMessage(em, workspaceId, result.messageId!))!;
        if (result.duplicate) return (await loadMessage(em, workspaceId, result.messageId))!;
        // What was just stored, without reading it back: simulateInbound is the benchmark's ingress.
        const message: MessageFields = {
          id: result.messageId,
          workspaceId,
          conversationId: result.conversationId,
          channelId: input.channelId,
          direction: 'INBOUND',
          senderType: 'CONTACT',
          type,
          text: input.text,
          media: envelope.media ?? null,
          details: envelope.details ?? null,
          externalId,
          replyToExternalId: envelope.replyToExternalId ?? null,
          forwarded: false,
          status: 'DELIVERED',
          failureCode: null,
          failureReason: null,
          sendAttempts: 0,
          deliveredAt: null,
          readAt: null,
          createdAt: result.createdAt,
        };
        return message;
      } catch (err) {
        if (err instanceof UnknownChannelError) throw notFound('channel');
        if (err instanceof WrongChannelKindError) throw badInput('channelId: only SIMULATOR channels take simulated messages', 'channelId');
        if (err instanceof InvalidPhoneError) throw badInput(`from: ${err.message}`, 'from');
        throw err;
      }
    },
  }),
);

/** The WhatsApp id of a message of the workspace on this channel; another's (or none) is BAD_USER_INPUT on `field`. */
async function externalIdOf(em: EntityManager, workspaceId: string, channelId: string, messageId: string, field: string): Promise<string> {
  const message = await em.findOne(Message, { id: messageId, workspaceId, channelId }, { fields: ['externalId'] });
  if (!message?.externalId) throw badInput(`${field}: no such message on this channel`, field);
  return message.externalId;
}
