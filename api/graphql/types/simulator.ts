import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { builder } from '../builder';
import { AGENTS, requireAuth } from '../context';
import { badInput, notFound, validate } from '../errors';
import { MessageType, loadMessage, type MessageFields } from './message';
import { InvalidPhoneError, UnknownChannelError, WrongChannelKindError } from '../../../connector/ingress.port';

const SimulateInboundInput = builder.inputType('SimulateInboundInput', {
  fields: (t) => ({
    channelId: t.id({ required: true }),
    from: t.string({ required: true, description: 'E.164 phone, e.g. "+4915112345678"' }),
    text: t.string({ required: true }),
    messageId: t.string({ description: "WhatsApp's message id; repeat one to simulate a redelivery. Generated when absent." }),
    name: t.string({ description: "The contact's profile name." }),
  }),
});

const schema = z.object({
  channelId: z.string().uuid('is not a valid id'),
  from: z.string().min(1, 'is required'),
  text: z.string().min(1, 'is empty').max(4096, 'is longer than WhatsApp allows (4096 characters)'),
  messageId: z.string().min(1).max(128).nullish(),
  name: z.string().trim().max(100).nullish(),
});

builder.mutationField('simulateInbound', (t) =>
  t.field({
    type: MessageType,
    description: 'A customer writes to a SIMULATOR channel; the message takes the same ingress as real WhatsApp traffic.',
    args: { input: t.arg({ type: SimulateInboundInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const input = validate(schema, args.input);
      try {
        const result = await ctx.ingress.receive(
          { channelId: input.channelId, externalId: input.messageId ?? `sim-${randomUUID()}`, from: input.from, text: input.text, name: input.name },
          { workspaceId, kind: 'SIMULATOR' },
        );
        // A simulated message is never a reaction (its type is TEXT).
        if (result.kind !== 'MESSAGE' || result.duplicate) return (await loadMessage(ctx.orm.em.fork(), workspaceId, result.messageId!))!;
        const message: MessageFields = {
          id: result.messageId,
          conversationId: result.conversationId,
          direction: 'INBOUND',
          senderType: 'CONTACT',
          text: input.text,
          status: 'DELIVERED',
          failureReason: null,
          sendAttempts: 0,
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
