import { Migration } from '@mikro-orm/migrations';

/**
 * Sending exactly once on a wire that deduplicates nothing (activities/messaging.activities.ts):
 * a send is recorded SENDING, with its attempt, before each channel call; UNCERTAIN is a send
 * that may have reached the wire. The simulator's wire now records every attempt it receives
 * (the old table was unique on the idempotency key and so hid a double send); its rows are a
 * test fixture, not data, so it is made anew. Channels get non-secret options (the simulator's
 * wire idempotency).
 */
export class Migration20261202010000_send_states extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table messages drop constraint messages_status_check;
      alter table messages add constraint messages_status_check
        check (status in ('PENDING', 'SENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'UNCERTAIN'));
      alter table messages
        add column send_attempts int not null default 0,
        add column sending_at timestamptz null;
      -- Rows sent before this migration made one attempt each.
      update messages set send_attempts = 1 where direction = 'OUTBOUND' and status <> 'PENDING';

      alter table channels add column options jsonb null;

      drop table simulator_deliveries;
      create table simulator_deliveries (
        id uuid not null,
        channel_id uuid not null,
        wire_id text not null,
        idempotency_key text not null,
        to_phone text not null,
        text text not null,
        outcome text not null,
        delivered_at timestamptz not null default clock_timestamp(),
        primary key (id)
      );
      create index simulator_deliveries_wire_id on simulator_deliveries (channel_id, wire_id);
      alter table simulator_deliveries add constraint simulator_deliveries_outcome_check
        check (outcome in ('DELIVERED', 'DUPLICATE', 'REFUSED'));
      alter table simulator_deliveries add constraint simulator_deliveries_channel_id_fkey
        foreign key (channel_id) references channels (id) on delete cascade;
    `);
  }
}
