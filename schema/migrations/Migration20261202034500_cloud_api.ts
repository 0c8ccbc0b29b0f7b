import { Migration } from '@mikro-orm/migrations';

/** Generated from the entities by `npm run migration:create`. */
export class Migration20261202034500_cloud_api extends Migration {

  override name = 'Migration20261202034500_cloud_api';

  override up(): void | Promise<void> {
    this.addSql(`create table "webhook_inbox" ("id" uuid not null, "channel_id" uuid not null, "raw_body" text not null, "error" text not null, "received_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "webhook_inbox_channel" on "webhook_inbox" ("channel_id");`);

    this.addSql(`create table "message_templates" ("id" uuid not null, "workspace_id" uuid not null, "channel_id" uuid not null, "external_id" text null, "name" text not null, "language" text not null, "status" text not null, "category" text null, "body" text null, "variable_count" int not null default 0, "components" jsonb not null, "synced_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "message_templates" add constraint "message_templates_name_language" unique ("channel_id", "name", "language");`);

    this.addSql(`alter table "webhook_inbox" add constraint "webhook_inbox_channel_id_fkey" foreign key ("channel_id") references "channels" ("id") on delete cascade;`);

    this.addSql(`alter table "message_templates" add constraint "message_templates_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "message_templates" add constraint "message_templates_channel_id_fkey" foreign key ("channel_id") references "channels" ("id") on delete cascade;`);
  }

}
