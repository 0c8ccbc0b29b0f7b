/** MikroORM on Postgres: entities, committed migrations, and the one place the ORM is built. */
import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { Workspace } from './entities/workspace.entity';
import { User } from './entities/user.entity';
import { Membership } from './entities/membership.entity';
import { RefreshToken } from './entities/refresh-token.entity';
import { Channel } from './entities/channel.entity';
import { Contact } from './entities/contact.entity';
import { Conversation } from './entities/conversation.entity';
import { Message } from './entities/message.entity';
import { KeywordRule } from './entities/keyword-rule.entity';
import { BotSettings } from './entities/bot-settings.entity';
import { SimulatorDelivery } from './entities/simulator-delivery.entity';
import { ConversationCommand } from './entities/conversation-command.entity';
import { RateLimit } from './entities/rate-limit.entity';
import { MessageReaction } from './entities/message-reaction.entity';
import { PendingReceipt } from './entities/pending-receipt.entity';
import { KnowledgeBase } from './entities/knowledge-base.entity';
import { Document } from './entities/document.entity';
import { DocumentFile } from './entities/document-file.entity';
import { Chunk } from './entities/chunk.entity';
import { Faq } from './entities/faq.entity';
import { ChannelStatusChange } from './entities/channel-status-change.entity';
import { ChannelLease } from './entities/channel-lease.entity';
import { BaileysAuth } from './entities/baileys-auth.entity';
import { ContactLid } from './entities/contact-lid.entity';
import { PendingLidMessage } from './entities/pending-lid-message.entity';
import { WebhookInbox } from './entities/webhook-inbox.entity';
import { MessageTemplate } from './entities/message-template.entity';
import { AiSettings } from './entities/ai-settings.entity';
import { MessageAiTrace } from './entities/message-ai-trace.entity';
import { Flow } from './entities/flow.entity';
import { FlowVersion } from './entities/flow-version.entity';
import { FlowRun } from './entities/flow-run.entity';
import { FlowNodeStat } from './entities/flow-node-stat.entity';
import { Label } from './entities/label.entity';
import { ContactLabel } from './entities/contact-label.entity';
import { CustomField } from './entities/custom-field.entity';
import { ContactNote } from './entities/contact-note.entity';
import { Segment } from './entities/segment.entity';
import { Broadcast } from './entities/broadcast.entity';
import { BroadcastRecipient } from './entities/broadcast-recipient.entity';
import { PostgresNamingStrategy } from './naming';
import { ForwardMigrationGenerator } from './migration-generator';
import { Migration20261123000000_spine } from './migrations/Migration20261123000000_spine';
import { Migration20261123010000_human_sla } from './migrations/Migration20261123010000_human_sla';
import { Migration20261123020000_ingress } from './migrations/Migration20261123020000_ingress';
import { Migration20261202004556_channel_status_check } from './migrations/Migration20261202004556_channel_status_check';
import { Migration20261202010000_send_states } from './migrations/Migration20261202010000_send_states';
import { Migration20261202011221_commands } from './migrations/Migration20261202011221_commands';
import { Migration20261202030000_rate_limits } from './migrations/Migration20261202030000_rate_limits';
import { Migration20261202030826_message_model } from './migrations/Migration20261202030826_message_model';
import { Migration20261202031000_message_ingress } from './migrations/Migration20261202031000_message_ingress';
import { Migration20261202033103_knowledge } from './migrations/Migration20261202033103_knowledge';
import { Migration20261202034442_whatsapp_web } from './migrations/Migration20261202034442_whatsapp_web';
import { Migration20261202034500_cloud_api } from './migrations/Migration20261202034500_cloud_api';
import { Migration20261202043354_ai_replies } from './migrations/Migration20261202043354_ai_replies';
import { Migration20261202044056_read_marked } from './migrations/Migration20261202044056_read_marked';
import { Migration20261202131222_flows } from './migrations/Migration20261202131222_flows';
import { Migration20261203073557_contacts } from './migrations/Migration20261203073557_contacts';
import { Migration20261203081458_contact_search } from './migrations/Migration20261203081458_contact_search';
import { Migration20261203113000_flow_run_steps } from './migrations/Migration20261203113000_flow_run_steps';
import { Migration20261203113500_conversation_workflow_ids } from './migrations/Migration20261203113500_conversation_workflow_ids';
import { Migration20261203115000_broadcasts } from './migrations/Migration20261203115000_broadcasts';
import { Migration20261205141500_gin_search_no_pending_list } from './migrations/Migration20261205141500_gin_search_no_pending_list';

/** Every table, described completely: migrations are generated from these (`npm run migration:create`). */
export const entities = [Workspace, User, Membership, RefreshToken, Channel, Contact, Conversation, Message, KeywordRule, BotSettings, SimulatorDelivery, ConversationCommand, RateLimit, MessageReaction, PendingReceipt, KnowledgeBase, Document, DocumentFile, Chunk, Faq,
  ChannelStatusChange, ChannelLease, BaileysAuth, ContactLid, PendingLidMessage, WebhookInbox, MessageTemplate, AiSettings, MessageAiTrace,
  Flow, FlowVersion, FlowRun, FlowNodeStat, Label, ContactLabel, CustomField, ContactNote, Segment, Broadcast, BroadcastRecipient];

/** Every committed migration, in order (`npm run migration:create` writes new ones to schema/migrations). */
export const migrationsList = [
  { name: 'Migration20261123000000_spine', class: Migration20261123000000_spine },
  { name: 'Migration20261123010000_human_sla', class: Migration20261123010000_human_sla },
  { name: 'Migration20261123020000_ingress', class: Migration20261123020000_ingress },
  { name: 'Migration20261202004556_channel_status_check', class: Migration20261202004556_channel_status_check },
  { name: 'Migration20261202010000_send_states', class: Migration20261202010000_send_states },
  { name: 'Migration20261202011221_commands', class: Migration20261202011221_commands },
  { name: 'Migration20261202030000_rate_limits', class: Migration20261202030000_rate_limits },
  { name: 'Migration20261202030826_message_model', class: Migration20261202030826_message_model },
  { name: 'Migration20261202031000_message_ingress', class: Migration20261202031000_message_ingress },
  { name: 'Migration20261202033103_knowledge', class: Migration20261202033103_knowledge },
  { name: 'Migration20261202034442_whatsapp_web', class: Migration20261202034442_whatsapp_web },
  { name: 'Migration20261202034500_cloud_api', class: Migration20261202034500_cloud_api },
  { name: 'Migration20261202043354_ai_replies', class: Migration20261202043354_ai_replies },
  { name: 'Migration20261202044056_read_marked', class: Migration20261202044056_read_marked },
  { name: 'Migration20261202131222_flows', class: Migration20261202131222_flows },
  { name: 'Migration20261203073557_contacts', class: Migration20261203073557_contacts },
  { name: 'Migration20261203081458_contact_search', class: Migration20261203081458_contact_search },
  { name: 'Migration20261203113000_flow_run_steps', class: Migration20261203113000_flow_run_steps },
  { name: 'Migration20261203113500_conversation_workflow_ids', class: Migration20261203113500_conversation_workflow_ids },
  { name: 'Migration20261203115000_broadcasts', class: Migration20261203115000_broadcasts },
  { name: 'Migration20261205141500_gin_search_no_pending_list', class: Migration20261205141500_gin_search_no_pending_list },
];

export type Orm = MikroORM;

export async function createOrm(databaseUrl: string, poolMax = 10): Promise<Orm> {
  return MikroORM.init({
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    namingStrategy: PostgresNamingStrategy,
    migrations: { migrationsList, generator: ForwardMigrationGenerator, transactional: true, allOrNothing: true, snapshot: false },
    // The settings_version triggers and the ingress function are hand-written SQL in their
    // migrations, not entity metadata: the schema diff leaves them alone.
    schemaGenerator: { ignoreTriggers: true, ignoreRoutines: true },
    pool: { min: 1, max: poolMax },
    allowGlobalContext: false,
    debug: false,
  });
}

/** Runs the committed migrations that have not run yet. */
export async function migrate(orm: Orm): Promise<void> {
  await orm.migrator.up();
}

/**
 * One statement outside any unit of work, for the hot paths (ingress, sends): no EntityManager
 * fork per call. `?` placeholders, as in `em.execute`.
 */
export function execute<T>(orm: Orm, sql: string, params: unknown[] = []): Promise<T> {
  return orm.em.getConnection().execute<T & object>(sql, params) as Promise<T>;
}
