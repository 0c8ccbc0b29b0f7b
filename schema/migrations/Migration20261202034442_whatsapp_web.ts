import { Migration } from '@mikro-orm/migrations';

/** Generated from the entities by `npm run migration:create`. */
export class Migration20261202034442_whatsapp_web extends Migration {

  override name = 'Migration20261202034442_whatsapp_web';

  override up(): void | Promise<void> {
    this.addSql(`create table "pending_lid_messages" ("channel_id" uuid not null, "external_id" text not null, "lid" text not null, "sealed" text not null, "created_at" timestamptz not null default now(), primary key ("channel_id", "external_id"));`);
    this.addSql(`create index "pending_lid_messages_lid" on "pending_lid_messages" ("channel_id", "lid");`);

    this.addSql(`create table "contact_lids" ("channel_id" uuid not null, "lid" text not null, "phone" text not null, "created_at" timestamptz not null default now(), primary key ("channel_id", "lid"));`);

    this.addSql(`create table "channel_status_changes" ("id" uuid not null, "workspace_id" uuid not null, "channel_id" uuid not null, "status" text not null, "error" text null, "at" timestamptz not null default clock_timestamp(), primary key ("id"));`);
    this.addSql(`create index "channel_status_changes_channel" on "channel_status_changes" ("channel_id", "at");`);

    this.addSql(`create table "channel_leases" ("channel_id" uuid not null, "owner_id" text not null, "expires_at" timestamptz not null, "heartbeat_at" timestamptz not null, primary key ("channel_id"));`);

    this.addSql(`create table "baileys_auth" ("channel_id" uuid not null, "kind" text not null, "key_id" text not null, "sealed" text not null, primary key ("channel_id", "kind", "key_id"));`);

    this.addSql(`alter table "channels" drop constraint "channels_status_check";`);
    this.addSql(`alter table "channels" add "last_error" text null, add "qr_code" text null;`);
    this.addSql(`alter table "channels" add constraint "channels_status_check" check ("status" in ('CONNECTING', 'QR_REQUIRED', 'CONNECTED', 'RECONNECTING', 'LOGGED_OUT', 'BANNED', 'DISCONNECTED', 'PENDING'));`);

    this.addSql(`alter table "pending_lid_messages" add constraint "pending_lid_messages_channel_id_fkey" foreign key ("channel_id") references "channels" ("id") on delete cascade;`);

    this.addSql(`alter table "contact_lids" add constraint "contact_lids_channel_id_fkey" foreign key ("channel_id") references "channels" ("id") on delete cascade;`);

    this.addSql(`alter table "channel_status_changes" add constraint "channel_status_changes_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "channel_status_changes" add constraint "channel_status_changes_channel_id_fkey" foreign key ("channel_id") references "channels" ("id") on delete cascade;`);
    this.addSql(`alter table "channel_status_changes" add constraint "channel_status_changes_status_check" check ("status" in ('CONNECTING', 'QR_REQUIRED', 'CONNECTED', 'RECONNECTING', 'LOGGED_OUT', 'BANNED', 'DISCONNECTED', 'PENDING'));`);

    this.addSql(`alter table "channel_leases" add constraint "channel_leases_channel_id_fkey" foreign key ("channel_id") references "channels" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "baileys_auth" add constraint "baileys_auth_channel_id_fkey" foreign key ("channel_id") references "channels" ("id") on delete cascade;`);
  }

}
