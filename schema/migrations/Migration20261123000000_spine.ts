import { Migration } from '@mikro-orm/migrations';

/** The platform spine: tenancy, auth, channels, contacts, conversations, messages, rules, settings. */
export class Migration20261123000000_spine extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table workspaces (
        id uuid primary key,
        name text not null,
        created_at timestamptz not null default now()
      );
      create table users (
        id uuid primary key,
        email text not null,
        name text not null,
        password_hash text not null,
        created_at timestamptz not null default now()
      );
      create unique index users_email_unique on users (lower(email));
      create table memberships (
        id uuid primary key,
        workspace_id uuid not null references workspaces(id) on delete cascade,
        user_id uuid not null references users(id) on delete cascade,
        role text not null check (role in ('OWNER','ADMIN','AGENT','VIEWER')),
        created_at timestamptz not null default now(),
        unique (workspace_id, user_id)
      );
      create index memberships_user on memberships (user_id);
      create table refresh_tokens (
        id uuid primary key,
        user_id uuid not null references users(id) on delete cascade,
        workspace_id uuid not null references workspaces(id) on delete cascade,
        family_id uuid not null,
        token_hash text not null unique,
        expires_at timestamptz not null,
        revoked_at timestamptz,
        replaced_by_id uuid,
        created_at timestamptz not null default now()
      );
      create index refresh_tokens_family on refresh_tokens (family_id);
      create table channels (
        id uuid primary key,
        workspace_id uuid not null references workspaces(id) on delete cascade,
        kind text not null check (kind in ('SIMULATOR','BAILEYS','CLOUD_API')),
        name text not null,
        status text not null default 'CONNECTED',
        credentials_encrypted text,
        created_at timestamptz not null default now()
      );
      create index channels_workspace on channels (workspace_id);
      create table contacts (
        id uuid primary key,
        workspace_id uuid not null references workspaces(id) on delete cascade,
        contact_key text not null,
        phone text not null,
        name text,
        blocked boolean not null default false,
        created_at timestamptz not null default now(),
        unique (workspace_id, contact_key)
      );
      create table conversations (
        id uuid primary key,
        workspace_id uuid not null references workspaces(id) on delete cascade,
        channel_id uuid not null references channels(id) on delete cascade,
        contact_id uuid not null references contacts(id) on delete cascade,
        mode text not null default 'BOT' check (mode in ('BOT','HUMAN')),
        unread_count integer not null default 0,
        last_message_at timestamptz not null default now(),
        last_message_text text,
        workflow_id text not null,
        created_at timestamptz not null default now(),
        unique (channel_id, contact_id)
      );
      create index conversations_inbox on conversations (workspace_id, last_message_at desc, id desc);
      create table messages (
        id uuid primary key,
        workspace_id uuid not null references workspaces(id) on delete cascade,
        conversation_id uuid not null references conversations(id) on delete cascade,
        channel_id uuid not null references channels(id) on delete cascade,
        direction text not null check (direction in ('INBOUND','OUTBOUND')),
        sender_type text not null check (sender_type in ('CONTACT','BOT','HUMAN')),
        sender_user_id uuid references users(id) on delete set null,
        text text not null,
        status text not null check (status in ('PENDING','SENT','DELIVERED','READ','FAILED')),
        failure_reason text,
        external_id text,
        idempotency_key text unique,
        reply_to_id uuid,
        signaled_at timestamptz,
        sent_at timestamptz,
        created_at timestamptz not null default clock_timestamp(),
        unique (channel_id, external_id)
      );
      create index messages_thread on messages (conversation_id, created_at, id);
      -- the ingress outbox: inbound rows persisted but not yet signalled to their workflow
      create index messages_unsignalled on messages (created_at) where direction = 'INBOUND' and signaled_at is null;
      create table keyword_rules (
        id uuid primary key,
        workspace_id uuid not null references workspaces(id) on delete cascade,
        keywords text[] not null,
        match_type text not null check (match_type in ('EXACT','CONTAINS','STARTS_WITH','REGEX')),
        reply text not null,
        priority integer not null default 0,
        enabled boolean not null default true,
        created_at timestamptz not null default now()
      );
      create index keyword_rules_workspace on keyword_rules (workspace_id, priority desc);
      create table bot_settings (
        workspace_id uuid primary key references workspaces(id) on delete cascade,
        default_reply text,
        away_message text,
        time_zone text not null default 'UTC',
        business_hours jsonb,
        updated_at timestamptz not null default now()
      );
      -- what the simulator channel put "on the wire": one row per idempotency key, never two
      create table simulator_deliveries (
        idempotency_key text primary key,
        channel_id uuid not null references channels(id) on delete cascade,
        to_phone text not null,
        text text not null,
        delivered_at timestamptz not null default clock_timestamp()
      );
    `);
  }
}
