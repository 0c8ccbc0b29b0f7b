import { builder } from '../builder';
import { requireAuth } from '../context';
import type { Message } from '../../../schema/entities/message.entity';
import type { Conversation } from '../../../schema/entities/conversation.entity';
import { MessageType } from './message';
import { ConversationType } from './conversation';

for (const kind of ['messageAdded', 'messageUpdated'] as const) {
  builder.subscriptionField(kind, (t) =>
    t.field({
      type: MessageType,
      description:
        kind === 'messageAdded'
          ? "Every new message of the caller's workspace, or of one conversation."
          : "A message's status changed (PENDING → SENT …).",
      args: { conversationId: t.arg.id() },
      subscribe: (_root, args, ctx) => ctx.live.subscribe(kind, requireAuth(ctx).workspaceId, args.conversationId ? String(args.conversationId) : null),
      resolve: (message: Message) => message,
    }),
  );
}

builder.subscriptionField('conversationUpdated', (t) =>
  t.field({
    type: ConversationType,
    description: "A conversation's own state changed: taken over or released, read, or waiting too long for an agent (slaBreachedAt).",
    args: { conversationId: t.arg.id() },
    subscribe: (_root, args, ctx) =>
      ctx.live.subscribe('conversationUpdated', requireAuth(ctx).workspaceId, args.conversationId ? String(args.conversationId) : null),
    resolve: (conversation: Conversation) => conversation,
  }),
);
