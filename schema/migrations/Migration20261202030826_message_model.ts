import { Migration } from '@mikro-orm/migrations';

/** Generated from the entities by `npm run migration:create`. */
export class Migration20261202030826_message_model extends Migration {

  override name = 'Migration20261202030826_message_model';

  override up(): void | Promise<void> {
    this.addSql(`create table "pending_receipts" ("id" uuid not null, "channel_id" uuid not null, "external_id" text not null, "status" text not null, "at" timestamptz not null, "code" text null, "reason" text null, "received_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "pending_receipts_received_at" on "pending_receipts" ("received_at");`);
    this.addSql(`alter table "pending_receipts" add constraint "pending_receipts_key" unique ("channel_id", "external_id", "status");`);

    this.addSql(`create table "message_reactions" ("id" uuid not null, "workspace_id" uuid not null, "channel_id" uuid not null, "target_external_id" text not null, "from_contact" boolean not null, "emoji" text not null, "external_id" text null, "at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "message_reactions" add constraint "message_reactions_reactor" unique ("channel_id", "target_external_id", "from_contact");`);

    this.addSql(`alter table "simulator_deliveries" add "content" jsonb null;`);

    this.addSql(`alter table "messages" add "type" text not null default 'TEXT', add "media" jsonb null, add "details" jsonb null, add "reply_to_external_id" text null, add "forwarded" boolean not null default false, add "failure_code" text null, add "delivered_at" timestamptz null, add "read_at" timestamptz null;`);
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('TEXT', 'IMAGE', 'AUDIO', 'VOICE', 'VIDEO', 'DOCUMENT', 'STICKER', 'LOCATION', 'CONTACTS', 'REACTION', 'BUTTON_REPLY', 'LIST_REPLY', 'POLL', 'ORDER', 'UNSUPPORTED'));`);

    this.addSql(`alter table "pending_receipts" add constraint "pending_receipts_channel_id_fkey" foreign key ("channel_id") references "channels" ("id") on delete cascade;`);
    this.addSql(`alter table "pending_receipts" add constraint "pending_receipts_status_check" check ("status" in ('DELIVERED', 'READ', 'FAILED'));`);

    this.addSql(`alter table "message_reactions" add constraint "message_reactions_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "message_reactions" add constraint "message_reactions_channel_id_fkey" foreign key ("channel_id") references "channels" ("id") on delete cascade;`);
  }

}
