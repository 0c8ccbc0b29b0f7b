import { Migration } from '@mikro-orm/migrations';

/**
 * Visual flows (issue 11): flows with their draft, published versions, runs (at most one active per
 * conversation: flow_runs_one_active), per-node funnel counters, and the workspace's flow cancel
 * keyword. Generated from the entities by `npm run migration:create`; the settings_version trigger
 * on flows is hand-written: publishing, reprioritising or deleting a flow changes which flows a
 * running conversation starts from its next message, while saving a draft does not.
 */
export class Migration20261202131222_flows extends Migration {

  override name = 'Migration20261202131222_flows';

  override up(): void | Promise<void> {
    this.addSql(`create table "flows" ("id" uuid not null, "workspace_id" uuid not null, "name" text not null, "status" text not null default 'DRAFT', "draft" jsonb not null, "published_version" int null, "priority" int not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "flows_workspace" on "flows" ("workspace_id", "created_at");`);

    this.addSql(`create table "flow_versions" ("id" uuid not null, "workspace_id" uuid not null, "flow_id" uuid not null, "version" int not null, "definition" jsonb not null, "trigger_on" text not null, "published_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "flow_versions_workspace_trigger" on "flow_versions" ("workspace_id", "trigger_on");`);
    this.addSql(`alter table "flow_versions" add constraint "flow_versions_flow_version" unique ("flow_id", "version");`);

    this.addSql(`create table "flow_node_stats" ("flow_id" uuid not null, "node_id" text not null, "workspace_id" uuid not null, "entered" int not null default 0, "completed" int not null default 0, "dropped" int not null default 0, primary key ("flow_id", "node_id"));`);

    this.addSql(`create table "flow_runs" ("id" uuid not null, "workspace_id" uuid not null, "flow_id" uuid not null, "version" int not null, "conversation_id" uuid not null, "status" text not null default 'RUNNING', "current_node_id" text null, "variables" jsonb not null, "error" text null, "started_at" timestamptz not null default now(), "ended_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index flow_runs_flow on flow_runs (flow_id, started_at desc);`);
    this.addSql(`create unique index flow_runs_one_active on flow_runs (conversation_id) where status in ('RUNNING', 'WAITING');`);

    this.addSql(`alter table "bot_settings" add "flow_cancel_keyword" text not null default 'stop';`);

    this.addSql(`alter table "flows" add constraint "flows_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "flows" add constraint "flows_status_check" check ("status" in ('DRAFT', 'PUBLISHED'));`);

    this.addSql(`alter table "flow_versions" add constraint "flow_versions_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "flow_versions" add constraint "flow_versions_flow_id_fkey" foreign key ("flow_id") references "flows" ("id") on delete cascade;`);
    this.addSql(`alter table "flow_versions" add constraint "flow_versions_trigger_on_check" check ("trigger_on" in ('first_message', 'keyword', 'label_added', 'media', 'api', 'schedule'));`);

    this.addSql(`alter table "flow_node_stats" add constraint "flow_node_stats_flow_id_fkey" foreign key ("flow_id") references "flows" ("id") on delete cascade;`);
    this.addSql(`alter table "flow_node_stats" add constraint "flow_node_stats_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "flow_runs" add constraint "flow_runs_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "flow_runs" add constraint "flow_runs_flow_id_fkey" foreign key ("flow_id") references "flows" ("id") on delete cascade;`);
    this.addSql(`alter table "flow_runs" add constraint "flow_runs_conversation_id_fkey" foreign key ("conversation_id") references "conversations" ("id") on delete cascade;`);
    this.addSql(`alter table "flow_runs" add constraint "flow_runs_status_check" check ("status" in ('RUNNING', 'WAITING', 'COMPLETED', 'CANCELLED', 'FAILED'));`);

    this.addSql(`create trigger flows_settings_version after update on flows for each row
      when (old.published_version is distinct from new.published_version or old.priority is distinct from new.priority or old.deleted_at is distinct from new.deleted_at)
      execute function parley_bump_settings_version();`);
    this.addSql(`create trigger flows_deleted_settings_version after delete on flows for each row execute function parley_bump_settings_version();`);
  }

}
