import { Migration } from '@mikro-orm/migrations';

/**
 * Broadcasts (issue 12): campaigns and their recipients, snapshotted when a broadcast starts (one row per
 * contact, unique per broadcast). Generated from the entities by `npm run migration:create`.
 */
export class Migration20261203115000_broadcasts extends Migration {

  override name = 'Migration20261203115000_broadcasts';

  override up(): void | Promise<void> {
    this.addSql(`create table "broadcasts" ("id" uuid not null, "workspace_id" uuid not null, "channel_id" uuid not null, "name" text not null, "text" text null, "template" jsonb null, "audience" jsonb not null, "scheduled_at" timestamptz null, "rate_per_minute" int null, "status" text not null default 'DRAFT', "total" int not null default 0, "started_at" timestamptz null, "finished_at" timestamptz null, "error" text null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index broadcasts_workspace on broadcasts (workspace_id, created_at desc, id desc);`);

    this.addSql(`create table "broadcast_recipients" ("id" uuid not null, "workspace_id" uuid not null, "broadcast_id" uuid not null, "contact_id" uuid not null, "status" text not null default 'PENDING', "error" text null, "message_id" uuid null, "sent_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "broadcast_recipients_status" on "broadcast_recipients" ("broadcast_id", "status", "id");`);
    this.addSql(`create index "broadcast_recipients_message" on "broadcast_recipients" ("message_id");`);
    this.addSql(`alter table "broadcast_recipients" add constraint "broadcast_recipients_contact" unique ("broadcast_id", "contact_id");`);

    this.addSql(`alter table "broadcasts" add constraint "broadcasts_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "broadcasts" add constraint "broadcasts_channel_id_fkey" foreign key ("channel_id") references "channels" ("id") on delete cascade;`);
    this.addSql(`alter table "broadcasts" add constraint "broadcasts_status_check" check ("status" in ('DRAFT', 'SCHEDULED', 'RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLED', 'FAILED'));`);

    this.addSql(`alter table "broadcast_recipients" add constraint "broadcast_recipients_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "broadcast_recipients" add constraint "broadcast_recipients_broadcast_id_fkey" foreign key ("broadcast_id") references "broadcasts" ("id") on delete cascade;`);
    this.addSql(`alter table "broadcast_recipients" add constraint "broadcast_recipients_contact_id_fkey" foreign key ("contact_id") references "contacts" ("id") on delete cascade;`);
    this.addSql(`alter table "broadcast_recipients" add constraint "broadcast_recipients_message_id_fkey" foreign key ("message_id") references "messages" ("id") on delete set null;`);
    this.addSql(`alter table "broadcast_recipients" add constraint "broadcast_recipients_status_check" check ("status" in ('PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'SKIPPED', 'UNCERTAIN'));`);
  }

}
