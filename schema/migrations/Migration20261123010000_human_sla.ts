import { Migration } from '@mikro-orm/migrations';

/** Human-mode SLA: how long a customer may wait for an agent, and what happens then. */
export class Migration20261123010000_human_sla extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table bot_settings
        add column human_sla_seconds integer check (human_sla_seconds is null or human_sla_seconds between 1 and 604800),
        add column sla_fallback_message text;
      alter table conversations add column sla_breached_at timestamptz;
    `);
  }
}
