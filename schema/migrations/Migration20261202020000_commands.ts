import { Migration } from '@mikro-orm/migrations';

/**
 * Agent commands are durable (schema/entities/conversation-command.entity.ts): the API records
 * each one before delivering it to the conversation workflow; the workflow's activity marks it
 * applied with its effect, and the command outbox redelivers the ones that are not. Generated
 * from the entity (`orm.schema.getCreateSchemaSQL()`), so the two agree.
 */
export class Migration20261202020000_commands extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "conversation_commands" ("id" uuid not null, "workspace_id" uuid not null, "conversation_id" uuid not null, "kind" text not null, "message_id" uuid null, "resend_number" int null, "user_id" uuid null, "created_at" timestamptz not null, "applied_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "conversation_commands_unapplied" on "conversation_commands" ("created_at") where applied_at is null;`);
  }
}
