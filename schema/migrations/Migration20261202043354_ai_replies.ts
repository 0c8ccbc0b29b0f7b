import { Migration } from '@mikro-orm/migrations';

/**
 * AI replies (issue 10): per-workspace AI settings, a trace per AI-written message, drafts
 * (DRAFT / REJECTED statuses and the approve / reject commands), the handover reason and the
 * per-contact approval override. Generated from the entities by `npm run migration:create`; the
 * settings_version trigger on ai_settings is hand-written (a change reaches running conversations
 * the way bot settings do).
 */
export class Migration20261202043354_ai_replies extends Migration {

  override name = 'Migration20261202043354_ai_replies';

  override up(): void | Promise<void> {
    this.addSql(`create table "message_ai_traces" ("message_id" uuid not null, "workspace_id" uuid not null, "provider" text not null, "model" text not null, "latency_ms" int not null, "input_tokens" int null, "output_tokens" int null, "confidence" real not null, "sentiment" text null, "language" text null, "sources" jsonb not null, "prompt" text not null, "created_at" timestamptz not null default now(), primary key ("message_id"));`);

    this.addSql(`create table "ai_settings" ("workspace_id" uuid not null, "enabled" boolean not null default false, "providers" jsonb null, "bot_name" text null, "persona" text null, "temperature" real null, "history_messages" int null, "confidence_threshold" real null, "sensitive_topics" jsonb null, "approval_mode" text not null default 'OFF', "handover_message" text null, "debounce_seconds" int null, "knowledge_base_ids" jsonb null, "embeddings" jsonb null, "updated_at" timestamptz not null default now(), primary key ("workspace_id"));`);

    this.addSql(`alter table "contacts" add "ai_approval_mode" text null;`);
    this.addSql(`alter table "contacts" add constraint "contacts_ai_approval_mode_check" check ("ai_approval_mode" in ('OFF', 'ALL'));`);

    this.addSql(`alter table "conversations" add "handover_reason" text null;`);

    this.addSql(`alter table "messages" drop constraint "messages_status_check";`);
    this.addSql(`alter table "messages" add constraint "messages_status_check" check ("status" in ('PENDING', 'SENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'UNCERTAIN', 'DRAFT', 'REJECTED'));`);

    this.addSql(`alter table "conversation_commands" drop constraint "conversation_commands_kind_check";`);
    this.addSql(`alter table "conversation_commands" add "text" text null;`);
    this.addSql(`alter table "conversation_commands" add constraint "conversation_commands_kind_check" check ("kind" in ('TAKE_OVER', 'RELEASE', 'SEND_MESSAGE', 'RESEND_MESSAGE', 'APPROVE_DRAFT', 'REJECT_DRAFT'));`);

    this.addSql(`alter table "message_ai_traces" add constraint "message_ai_traces_message_id_fkey" foreign key ("message_id") references "messages" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "message_ai_traces" add constraint "message_ai_traces_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "ai_settings" add constraint "ai_settings_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "ai_settings" add constraint "ai_settings_approval_mode_check" check ("approval_mode" in ('OFF', 'ALL'));`);
    this.addSql(`create trigger ai_settings_settings_version after insert or update or delete on ai_settings for each row execute function parley_bump_settings_version();`);
  }

}
