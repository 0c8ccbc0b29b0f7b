/**
 * What a Cloud API channel adds to the API: its webhook URL and verify token on Channel, the
 * 24-hour window on Conversation, credentials given after creation, and message templates
 * (synced from the Graph API, listed for the inbox's picker).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { AGENTS, MANAGERS, requireAuth, type GraphQLContext } from '../context';
import { badInput, notFound, validate } from '../errors';
import { Channel } from '../../../schema/entities/channel.entity';
import { MessageTemplate } from '../../../schema/entities/message-template.entity';
import { decryptSecret, encryptSecret } from '../../../schema/crypto';
import { cloudCredentials, credentialsScope, type CloudCredentials } from '../../../connector/channels/cloud-api/credentials';
import { connectCloudChannel } from '../../../connector/channels/cloud-api/connect';
import { lastInboundAt, windowExpiresAt } from '../../../connector/channels/cloud-api/service-window';
import { fetchTemplates, renderTemplate, templateBody } from '../../../connector/channels/cloud-api/templates';
import { WEBHOOK_PATH } from '../../routes/whatsapp-webhook';
import { ChannelType, parseCredentials } from './channel';
import { ConversationType, findConversation } from './conversation';
import { MessageType } from './message';
import { sendAgentMessage } from './conversation-commands';
import { Contact } from '../../../schema/entities/contact.entity';
import { Conversation } from '../../../schema/entities/conversation.entity';
import { InvalidPhoneError, toContactKey } from '../../../connector/phone';
import { conversationWorkflowId } from '../../../workflows/ids';
import { UniqueConstraintViolationException, type RequiredEntityData } from '@mikro-orm/core';

const uuid = z.string().uuid('is not a valid id');

builder.objectFields(ChannelType, (t) => ({
  webhookUrl: t.string({
    nullable: true,
    description: 'CLOUD_API: the callback URL to paste into Meta\'s App Dashboard (<PUBLIC_URL>/webhooks/whatsapp/<channelId>); null for other kinds.',
    resolve: (c, _args, ctx) => (c.kind === 'CLOUD_API' ? `${ctx.config.publicUrl.replace(/\/$/, '')}${WEBHOOK_PATH}/${c.id}` : null),
  }),
  verifyToken: t.string({
    nullable: true,
    description: 'CLOUD_API: the verify token to paste beside the webhook URL. Owners and admins only (null for others, and without credentials).',
    resolve: async (c, _args, ctx) => {
      if (c.kind !== 'CLOUD_API' || !MANAGERS.includes(requireAuth(ctx).role)) return null;
      return (await credentialsOf(ctx, c.workspaceId, c.id))?.verifyToken ?? null;
    },
  }),
}));

builder.objectField(ConversationType, 'windowExpiresAt', (t) =>
  t.field({
    type: 'DateTime',
    nullable: true,
    description:
      "CLOUD_API: when the 24-hour customer-service window closes (or closed), 24 h after the customer's last message; outside it only a template can be sent. Null for other kinds, or when the customer never wrote.",
    resolve: async (c, _args, ctx) => (c.channel.kind === 'CLOUD_API' ? windowExpiresAt(await lastInboundAt(ctx.orm, c.id)) : null),
  }),
);

/** A message template of a Cloud API channel. */
const MessageTemplateType = builder.objectRef<MessageTemplate>('MessageTemplate').implement({
  description: "A WhatsApp message template of the channel's business account, as last synced from Meta.",
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    language: t.exposeString('language'),
    status: t.exposeString('status', { description: 'As Meta says: APPROVED, PENDING, REJECTED, PAUSED…; only APPROVED templates can be sent.' }),
    category: t.exposeString('category', { nullable: true }),
    body: t.exposeString('body', { nullable: true, description: 'The body text with its {{1}}… placeholders.' }),
    variables: t.exposeInt('variableCount', { description: 'How many values a send must give (the distinct placeholders of the body).' }),
    syncedAt: t.expose('syncedAt', { type: 'DateTime' }),
  }),
});

const UpdateChannelCredentialsInput = builder.inputType('UpdateChannelCredentialsInput', {
  fields: (t) => ({
    channelId: t.id({ required: true }),
    credentials: t.string({ required: true, description: 'CLOUD_API: JSON {phoneNumberId, businessAccountId, accessToken, appSecret, verifyToken}; stored encrypted, never returned.' }),
  }),
});
const updateCredentialsSchema = z.object({ channelId: uuid, credentials: z.string().max(16_384, 'is longer than 16 KiB') });

builder.mutationField('updateChannelCredentials', (t) =>
  t.field({
    type: ChannelType,
    description: "Gives a Cloud API channel its credentials (or new ones), checks them against Meta's Graph API: CONNECTED when they work, PENDING otherwise.",
    args: { input: t.arg({ type: UpdateChannelCredentialsInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(updateCredentialsSchema, args.input);
      const em = ctx.orm.em.fork();
      const channel = await em.findOne(Channel, { id: input.channelId, workspaceId });
      if (!channel) throw notFound('channel');
      if (channel.kind !== 'CLOUD_API') throw badInput(`channelId: a ${channel.kind} channel takes no credentials`, 'channelId');
      const credentials = parseCredentials('CLOUD_API', input.credentials);
      if (typeof credentials === 'string' || !credentials) throw badInput(`credentials: ${credentials ?? 'are required'}`, 'credentials');
      channel.credentialsEncrypted = encryptSecret(ctx.config.encryptionKey, JSON.stringify(credentials), credentialsScope(channel.id));
      await em.flush();
      await connectCloudChannel(ctx.orm, ctx.config.graphApi, workspaceId, channel.id, credentials as CloudCredentials);
      return ctx.orm.em.fork().findOneOrFail(Channel, { id: channel.id, workspaceId });
    },
  }),
);

builder.queryField('templates', (t) =>
  t.field({
    type: [MessageTemplateType],
    description: "The channel's message templates as last synced (syncTemplates), by name and language.",
    args: { channelId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      const channelId = String(args.channelId);
      if (!uuid.safeParse(channelId).success) throw notFound('channel');
      return ctx.orm.em.fork().find(MessageTemplate, { channelId, workspaceId }, { orderBy: { name: 'asc', language: 'asc' } });
    },
  }),
);

builder.mutationField('syncTemplates', (t) =>
  t.field({
    type: [MessageTemplateType],
    description: "Reads the business account's templates from Meta (every page) and stores them; templates Meta no longer lists are removed.",
    args: { channelId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const channelId = String(args.channelId);
      const credentials = uuid.safeParse(channelId).success ? await credentialsOf(ctx, workspaceId, channelId) : undefined;
      if (credentials === undefined) throw notFound('channel');
      if (!credentials) throw badInput('channelId: the channel has no Cloud API credentials yet', 'channelId');
      let listed;
      try {
        listed = await fetchTemplates(ctx.config.graphApi, credentials);
      } catch (err) {
        throw badInput(`channelId: Meta did not list the templates: ${(err as Error).message}`, 'channelId');
      }
      await ctx.orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        const existing = new Map((await em.find(MessageTemplate, { channelId, workspaceId })).map((row) => [`${row.name}\u0000${row.language}`, row]));
        for (const template of listed) {
          const key = `${template.name}\u0000${template.language}`;
          const fields = { externalId: template.id ?? null, status: template.status, category: template.category ?? null, components: template.components ?? [], ...templateBody(template.components), syncedAt: new Date() };
          const row = existing.get(key);
          if (row) {
            em.assign(row, fields);
            existing.delete(key);
          } else {
            em.create(MessageTemplate, { id: randomUUID(), workspaceId, channelId, name: template.name, language: template.language, ...fields });
          }
        }
        for (const gone of existing.values()) em.remove(gone);
      });
      return ctx.orm.em.fork().find(MessageTemplate, { channelId, workspaceId }, { orderBy: { name: 'asc', language: 'asc' } });
    },
  }),
);

const SendTemplateInput = builder.inputType('SendTemplateInput', {
  fields: (t) => ({
    conversationId: t.id({ required: true }),
    name: t.string({ required: true }),
    language: t.string({ required: true, description: 'As the template lists it, e.g. "en_US".' }),
    variables: t.stringList({ description: 'The values of the body\'s {{1}}, {{2}}… in order; as many as the template has.' }),
  }),
});
const sendTemplateSchema = z.object({
  conversationId: z.string(),
  name: z.string().trim().min(1, 'is required').max(512, 'is longer than 512 characters'),
  language: z.string().trim().min(1, 'is required').max(15, 'is longer than 15 characters'),
  variables: z.array(z.string().trim().min(1, 'a value is empty').max(1024, 'a value is longer than 1024 characters')).max(20, 'has more than 20 values').nullish(),
});

builder.mutationField('sendTemplate', (t) =>
  t.field({
    type: MessageType,
    description:
      'Sends an APPROVED message template of the conversation\'s Cloud API channel, by name and language, with its variables: ' +
      'the way to reach a customer outside the 24-hour window. Recorded PENDING, sent by the conversation workflow like sendMessage.',
    args: { input: t.arg({ type: SendTemplateInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const input = validate(sendTemplateSchema, args.input);
      const variables = input.variables ?? [];
      const em = ctx.orm.em.fork();
      const conversation = await findConversation(em, workspaceId, input.conversationId);
      if (conversation.channel.kind !== 'CLOUD_API') throw badInput('conversationId: templates are sent on Cloud API channels only', 'conversationId');
      const template = await em.findOne(MessageTemplate, { channelId: conversation.channel.id, workspaceId, name: input.name, language: input.language });
      if (!template) throw badInput(`name: the channel has no template "${input.name}" in ${input.language}; sync the templates first`, 'name');
      if (template.status !== 'APPROVED') throw badInput(`name: the template is ${template.status}; only APPROVED templates can be sent`, 'name');
      if (variables.length !== template.variableCount) {
        throw badInput(`variables: the template takes ${template.variableCount} value${template.variableCount === 1 ? '' : 's'}, ${variables.length} given`, 'variables');
      }
      return sendAgentMessage(ctx, conversation, {
        text: renderTemplate(template.body ?? null, template.name, variables),
        details: { template: { name: template.name, language: template.language, variables } },
      });
    },
  }),
);

const SendTestMessageInput = builder.inputType('SendTestMessageInput', {
  fields: (t) => ({
    channelId: t.id({ required: true }),
    to: t.string({ required: true, description: 'E.164, e.g. "+4915112345678".' }),
    text: t.string({ required: true }),
  }),
});
const sendTestSchema = z.object({
  channelId: uuid,
  to: z.string().trim().max(32, 'is not a phone number'),
  text: z.string().trim().min(1, 'is empty').max(4096, 'is longer than WhatsApp allows (4096 characters)'),
});

builder.mutationField('sendTestMessage', (t) =>
  t.field({
    type: MessageType,
    description:
      "Sends a real message through the channel to a number, recorded in that number's conversation (started if new). " +
      "On the Cloud API free text is delivered only within 24 h of the customer's last message; outside it the message is FAILED with that reason.",
    args: { input: t.arg({ type: SendTestMessageInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(sendTestSchema, args.input);
      let contactKey: string;
      try {
        contactKey = toContactKey(input.to);
      } catch (err) {
        if (err instanceof InvalidPhoneError) throw badInput(`to: ${err.message}`, 'to');
        throw err;
      }
      const channel = await ctx.orm.em.fork().findOne(Channel, { id: input.channelId, workspaceId });
      if (!channel) throw notFound('channel');
      const conversationId = await conversationWith(ctx, channel, contactKey);
      const conversation = await findConversation(ctx.orm.em.fork(), workspaceId, conversationId);
      return sendAgentMessage(ctx, conversation, { text: input.text });
    },
  }),
);

/** The id of the channel's conversation with this contact, both created when new (as the ingress would). */
async function conversationWith(ctx: GraphQLContext, channel: Channel, contactKey: string): Promise<string> {
  const { workspaceId } = channel;
  for (let attempt = 0; ; attempt++) {
    const em = ctx.orm.em.fork();
    try {
      const contact = (await em.findOne(Contact, { workspaceId, contactKey })) ?? em.create(Contact, { id: randomUUID(), workspaceId, contactKey, phone: `+${contactKey}` });
      await em.flush();
      const existing = await em.findOne(Conversation, { channel: channel.id, contact: contact.id });
      if (existing) return existing.id;
      const id = randomUUID();
      // The cast: MikroORM's typing asks for lastMessageAtExact, a read-only formula no insert writes.
      await em.insert(Conversation, { id, workspaceId, channel: channel.id, contact: contact.id, workflowId: conversationWorkflowId(channel.id, id) } as RequiredEntityData<Conversation>);
      return id;
    } catch (err) {
      // The customer's own message created them at the same moment: read theirs.
      if (!(err instanceof UniqueConstraintViolationException) || attempt > 0) throw err;
    }
  }
}

/** A CLOUD_API channel's decrypted credentials: null without any, undefined when there is no such channel here. */
async function credentialsOf(ctx: GraphQLContext, workspaceId: string, channelId: string): Promise<CloudCredentials | null | undefined> {
  const channel = await ctx.orm.em.fork().findOne(Channel, { id: channelId, workspaceId, kind: 'CLOUD_API' }, { populate: ['credentialsEncrypted'] });
  if (!channel) return undefined;
  if (!channel.credentialsEncrypted) return null;
  return cloudCredentials.parse(JSON.parse(decryptSecret(ctx.config.encryptionKey, channel.credentialsEncrypted, credentialsScope(channel.id))));
}
