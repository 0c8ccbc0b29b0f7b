import { builder } from '../builder';
import { requireAuth, type GraphQLContext } from '../context';
import { unauthenticated } from '../errors';
import { systemClock } from '../../auth/clock';
import type { Message } from '../../../schema/entities/message.entity';
import type { Conversation } from '../../../schema/entities/conversation.entity';
import { MessageType } from './message';
import { ConversationType } from './conversation';
import { ChannelType } from './channel';
import type { Channel } from '../../../schema/entities/channel.entity';
import { DocumentType } from './document';
import type { Document } from '../../../schema/entities/document.entity';
import type { ContactImportProgress } from '../../../activities/events';
import { FlowRunType } from './flow';
import type { FlowRun } from '../../../schema/entities/flow-run.entity';

/** The event a stream yields when its access token expires: the resolver turns it into UNAUTHENTICATED, and the stream ends. */
const TOKEN_EXPIRED = Symbol('token expired');

for (const kind of ['messageAdded', 'messageUpdated'] as const) {
  builder.subscriptionField(kind, (t) =>
    t.field({
      type: MessageType,
      description:
        kind === 'messageAdded'
          ? "Every new message of the caller's workspace, or of one conversation. Ends with UNAUTHENTICATED when the access token expires: reconnect with a fresh one."
          : "A message changed: its status (PENDING → SENT → DELIVERED → READ …), a reaction to it, its media stored. Ends with UNAUTHENTICATED when the access token expires.",
      args: { conversationId: t.arg.id() },
      subscribe: (_root, args, ctx) =>
        untilTokenExpires(ctx, (workspaceId) => ctx.live.subscribe(kind, workspaceId, args.conversationId ? String(args.conversationId) : null)),
      resolve: (message: Message | typeof TOKEN_EXPIRED) => unlessExpired(message),
    }),
  );
}

builder.subscriptionField('conversationUpdated', (t) =>
  t.field({
    type: ConversationType,
    description:
      "A conversation's own state changed: taken over or released, read, or waiting too long for an agent (slaBreachedAt). Ends with UNAUTHENTICATED when the access token expires.",
    args: { conversationId: t.arg.id() },
    subscribe: (_root, args, ctx) =>
      untilTokenExpires(ctx, (workspaceId) => ctx.live.subscribe('conversationUpdated', workspaceId, args.conversationId ? String(args.conversationId) : null)),
    resolve: (conversation: Conversation | typeof TOKEN_EXPIRED) => unlessExpired(conversation),
  }),
);

builder.subscriptionField('channelUpdated', (t) =>
  t.field({
    type: ChannelType,
    description: "A channel of the caller's workspace changed: its status (with the QR code while QR_REQUIRED), last error or settings. Ends with UNAUTHENTICATED when the access token expires.",
    subscribe: (_root, _args, ctx) => untilTokenExpires(ctx, (workspaceId) => ctx.live.subscribe('channelUpdated', workspaceId)),
    resolve: (channel: Channel | typeof TOKEN_EXPIRED) => unlessExpired(channel),
  }),
);

builder.subscriptionField('documentUpdated', (t) =>
  t.field({
    type: DocumentType,
    description: "A document's indexing status or progress changed (of the workspace, or of one knowledge base). Ends with UNAUTHENTICATED when the access token expires.",
    args: { knowledgeBaseId: t.arg.id() },
    subscribe: (_root, args, ctx) =>
      untilTokenExpires(ctx, (workspaceId) => ctx.live.subscribeDocuments(workspaceId, args.knowledgeBaseId ? String(args.knowledgeBaseId) : null)),
    resolve: (document: Document | typeof TOKEN_EXPIRED) => unlessExpired(document),
  }),
);

const ContactImportProgressType = builder.objectRef<ContactImportProgress>('ContactImportProgress').implement({
  description: "How far an import is: the counts so far after each batch of 1,000 rows, and a last event with done = true.",
  fields: (t) => ({
    importId: t.exposeID('importId'),
    rows: t.exposeInt('rows', { description: 'Data rows read so far.' }),
    created: t.exposeInt('created'),
    updated: t.exposeInt('updated'),
    skipped: t.exposeInt('skipped'),
    errorCount: t.exposeInt('errorCount'),
    done: t.exposeBoolean('done'),
  }),
});

builder.subscriptionField('contactImportProgress', (t) =>
  t.field({
    type: ContactImportProgressType,
    description: 'The progress of the importContacts call given this importId (subscribe before sending it). Ends with UNAUTHENTICATED when the access token expires.',
    args: { importId: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) => untilTokenExpires(ctx, (workspaceId) => ctx.live.subscribeContactImport(workspaceId, String(args.importId))),
    resolve: (progress: ContactImportProgress | typeof TOKEN_EXPIRED) => unlessExpired(progress),
  }),
);

function unlessExpired<T>(item: T | typeof TOKEN_EXPIRED): T {
  if (item === TOKEN_EXPIRED) throw unauthenticated('access token expired');
  return item;
}

/** The caller's stream, ended by TOKEN_EXPIRED when the access token it was opened with expires. */
async function* untilTokenExpires<T>(ctx: GraphQLContext, open: (workspaceId: string) => AsyncIterable<T>): AsyncGenerator<T | typeof TOKEN_EXPIRED> {
  const auth = requireAuth(ctx);
  const clock = ctx.clock ?? systemClock;
  const source = open(auth.workspaceId)[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<typeof TOKEN_EXPIRED>((resolve) => {
    timer = setTimeout(() => resolve(TOKEN_EXPIRED), Math.max(0, auth.expiresAtMs - clock.now()));
  });
  try {
    while (true) {
      const next = await Promise.race([source.next(), expired]);
      if (next === TOKEN_EXPIRED) {
        yield TOKEN_EXPIRED;
        return;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
    // Not awaited: an async generator's return() waits behind its pending next(), which for a
    // quiet workspace settles only with the next event; the stream must end now.
    void source.return?.();
  }
}

builder.subscriptionField('flowRunUpdated', (t) =>
  t.field({
    type: FlowRunType,
    description: "A flow run of the workspace (or of one flow) started, waits on a question or a delay, or ended: its status, node and variables. Ends with UNAUTHENTICATED when the access token expires.",
    args: { flowId: t.arg.id() },
    subscribe: (_root, args, ctx) => untilTokenExpires(ctx, (workspaceId) => ctx.live.subscribeFlowRuns(workspaceId, args.flowId ? String(args.flowId) : null)),
    resolve: (run: FlowRun | typeof TOKEN_EXPIRED) => unlessExpired(run),
  }),
);
