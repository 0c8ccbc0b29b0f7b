import { Migration } from '@mikro-orm/migrations';

/**
 * Agent commands are durable (schema/entities/conversation-command.entity.ts): the API records each
 * one before delivering it to the conversation workflow; the workflow's activity marks it applied
 * with its effect, and the command outbox redelivers the ones that are not. Generated from the
 * entities by `npm run migration:create`.
 */
export class Migration20261202011221_commands extends Migration {

  override name = 'Migration20261202011221_commands';

  override up(): void | Promise<void> {
    this.addSql(`create table "conversation_commands" ("id" uuid not null, "workspace_id" uuid not null, "conversation_id" uuid not null, "kind" text not null, "message_id" uuid null, "resend_number" int null, "user_id" uuid null, "created_at" timestamptz not null default clock_timestamp(), "applied_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "conversation_commands_unapplied" on "conversation_commands" ("created_at") where applied_at is null;`);
    this.addSql(`alter table "conversation_commands" add constraint "conversation_commands_message_id_resend_number_key" unique ("message_id", "resend_number");`);

    this.addSql(`alter table "conversation_commands" add constraint "conversation_commands_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "conversation_commands" add constraint "conversation_commands_conversation_id_fkey" foreign key ("conversation_id") references "conversations" ("id") on delete cascade;`);
    this.addSql(`alter table "conversation_commands" add constraint "conversation_commands_message_id_fkey" foreign key ("message_id") references "messages" ("id") on delete cascade;`);
    this.addSql(`alter table "conversation_commands" add constraint "conversation_commands_user_id_fkey" foreign key ("user_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "conversation_commands" add constraint "conversation_commands_kind_check" check ("kind" in ('TAKE_OVER', 'RELEASE', 'SEND_MESSAGE', 'RESEND_MESSAGE'));`);
  }

}
