import { Migration } from '@mikro-orm/migrations';

/**
 * Contacts CRM (issue 12): labels and contact_labels, custom field definitions (values in
 * contacts.fields, jsonb with a GIN index), notes, segments; a contact's email, opt-out (flag, time,
 * source), first / last seen and conversation count; the workspace's opt-out and opt-in keywords.
 * Generated from the entities by `npm run migration:create`; the triggers below are hand-written:
 * they keep first_seen_at, last_seen_at and conversation_count on the contact as messages and
 * conversations are inserted, whichever path inserts them, so the contacts table never counts.
 */
export class Migration20261203073557_contacts extends Migration {

  override name = 'Migration20261203073557_contacts';

  override up(): void | Promise<void> {
    this.addSql(`create table "segments" ("id" uuid not null, "workspace_id" uuid not null, "name" text not null, "filter" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create unique index segments_workspace_name on segments (workspace_id, lower(name));`);

    this.addSql(`create table "labels" ("id" uuid not null, "workspace_id" uuid not null, "name" text not null, "color" text not null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create unique index labels_workspace_name on labels (workspace_id, lower(name));`);

    this.addSql(`create table "custom_fields" ("id" uuid not null, "workspace_id" uuid not null, "key" text not null, "name" text not null, "type" text not null, "choices" text[] null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "custom_fields" add constraint "custom_fields_workspace_id_key_key" unique ("workspace_id", "key");`);

    this.addSql(`create table "contact_notes" ("id" uuid not null, "workspace_id" uuid not null, "contact_id" uuid not null, "author_id" uuid null, "text" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index contact_notes_contact on contact_notes (contact_id, created_at desc);`);

    this.addSql(`create table "contact_labels" ("contact_id" uuid not null, "label_id" uuid not null, "workspace_id" uuid not null, "created_at" timestamptz not null default now(), primary key ("contact_id", "label_id"));`);
    this.addSql(`create index "contact_labels_label" on "contact_labels" ("label_id", "contact_id");`);

    this.addSql(`alter table "contacts" add "email" text null, add "opted_out" boolean not null default false, add "opted_out_at" timestamptz null, add "opt_out_source" text null, add "fields" jsonb not null default '{}', add "first_seen_at" timestamptz null, add "last_seen_at" timestamptz null, add "conversation_count" int not null default 0, add "updated_at" timestamptz not null default now();`);
    this.addSql(`create index contacts_last_seen on contacts (workspace_id, (coalesce(last_seen_at, '-infinity'::timestamptz)) desc, id desc);`);
    this.addSql(`create index contacts_created on contacts (workspace_id, created_at desc, id desc);`);
    this.addSql(`create index contacts_name on contacts (workspace_id, (lower(coalesce(name, phone))), id);`);
    this.addSql(`create index contacts_fields on contacts using gin (fields jsonb_path_ops);`);
    this.addSql(`alter table "contacts" add constraint "contacts_opt_out_source_check" check ("opt_out_source" in ('KEYWORD', 'AGENT', 'IMPORT', 'API'));`);

    this.addSql(`alter table "bot_settings" add "opt_out_keywords" text[] not null default '{STOP,UNSUBSCRIBE,BAJA}', add "opt_in_keywords" text[] not null default '{START}', add "opt_out_reply" text null, add "opt_in_reply" text null;`);

    this.addSql(`alter table "segments" add constraint "segments_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "labels" add constraint "labels_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "custom_fields" add constraint "custom_fields_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "custom_fields" add constraint "custom_fields_type_check" check ("type" in ('TEXT', 'NUMBER', 'DATE', 'BOOLEAN', 'CHOICE'));`);

    this.addSql(`alter table "contact_notes" add constraint "contact_notes_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "contact_notes" add constraint "contact_notes_contact_id_fkey" foreign key ("contact_id") references "contacts" ("id") on delete cascade;`);
    this.addSql(`alter table "contact_notes" add constraint "contact_notes_author_id_fkey" foreign key ("author_id") references "users" ("id") on delete set null;`);

    this.addSql(`alter table "contact_labels" add constraint "contact_labels_contact_id_fkey" foreign key ("contact_id") references "contacts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "contact_labels" add constraint "contact_labels_label_id_fkey" foreign key ("label_id") references "labels" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "contact_labels" add constraint "contact_labels_workspace_id_fkey" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`update contacts ct set conversation_count = c.n from (select contact_id, count(*) as n from conversations group by contact_id) c where c.contact_id = ct.id;`);
    this.addSql(`update contacts ct set first_seen_at = m.first_at, last_seen_at = m.last_at
      from (select c.contact_id, min(m.created_at) as first_at, max(m.created_at) as last_at
        from messages m join conversations c on c.id = m.conversation_id where m.direction = 'INBOUND' group by c.contact_id) m
      where m.contact_id = ct.id;`);

    this.addSql(`create function parley_contact_conversation_count() returns trigger language plpgsql as $fn$
      begin
        if tg_op = 'INSERT' then
          update contacts set conversation_count = conversation_count + 1 where id = new.contact_id;
        else
          update contacts set conversation_count = greatest(conversation_count - 1, 0) where id = old.contact_id;
        end if;
        return null;
      end $fn$;`);
    this.addSql(`create trigger conversations_contact_count after insert or delete on conversations for each row execute function parley_contact_conversation_count();`);

    // The contact row was just upserted by the same ingress transaction (so it is locked and hot).
    // In a chatty conversation last_seen_at moves at most once a minute: "last seen" needs no more
    // precision, and an inbound message costs one contact write less.
    this.addSql(`create function parley_contact_seen() returns trigger language plpgsql as $fn$
      begin
        update contacts ct set first_seen_at = coalesce(ct.first_seen_at, new.created_at), last_seen_at = new.created_at
          from conversations c
          where c.id = new.conversation_id and ct.id = c.contact_id
            and (ct.last_seen_at is null or ct.last_seen_at < new.created_at - interval '1 minute');
        return null;
      end $fn$;`);
    this.addSql(`create trigger messages_contact_seen after insert on messages for each row when (new.direction = 'INBOUND') execute function parley_contact_seen();`);
  }

}
