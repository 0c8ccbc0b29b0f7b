/** The GraphQL schema: every type file registers itself on the builder. */
import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder';
import './types/auth';
import './types/channel';
import './types/channel-session';
import './types/contact';
import './types/conversation';
import './types/conversation-commands';
import './types/message';
import './types/keyword-rule';
import './types/bot-settings';
import './types/simulator';
import './types/knowledge-base';
import './types/document';
import './types/add-document';
import './types/faq';
import './types/subscriptions';
import './types/cloud-channel';
import './types/ai-settings';
import './types/ai-provider-test';
import './types/contact-approval';
import './types/drafts';
import './types/message-ai';
import './types/ask-knowledge-base';
import './types/flow';
import './types/label';
import './types/custom-field';
import './types/contact-note';
import './types/segment';
import './types/contact-import';
import './types/broadcast';

export const schema = builder.toSchema();

export function printedSchema(): string {
  return printSchema(lexicographicSortSchema(schema));
}
