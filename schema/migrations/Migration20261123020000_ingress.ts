import { Migration } from '@mikro-orm/migrations';

/**
 * The ingress's write as one function: every inbound message costs one round trip instead of six
 * (channel lookup, contact and conversation upsert, message insert, conversation bump and NOTIFY,
 * inside one transaction). See connector/inbound.ts.
 *
 * workspaces.settings_version counts changes to the workspace's keyword rules and bot settings
 * (kept by triggers, whoever writes): the ingress returns it, so a cached copy of the routing
 * context is used only while it is current.
 *
 * result: 'NEW' (stored now), 'DUPLICATE' (this WhatsApp id was stored before; nothing written),
 * 'UNKNOWN_CHANNEL' (no such channel, or not in p_workspace_id), 'WRONG_KIND' (not a p_kind channel).
 */
export class Migration20261123020000_ingress extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table workspaces add column settings_version bigint not null default 0;
      create function parley_bump_settings_version() returns trigger language plpgsql as $fn$
      begin
        update workspaces set settings_version = settings_version + 1
          where id = case when tg_op = 'DELETE' then old.workspace_id else new.workspace_id end;
        return null;
      end
      $fn$;
      create trigger keyword_rules_settings_version after insert or update or delete on keyword_rules
        for each row execute function parley_bump_settings_version();
      create trigger bot_settings_settings_version after insert or update or delete on bot_settings
        for each row execute function parley_bump_settings_version();

      create function parley_receive_inbound(
        p_channel_id uuid, p_external_id text, p_contact_key text, p_name text, p_text text, p_workflow_id text,
        p_message_id uuid, p_contact_id uuid, p_conversation_id uuid,
        p_workspace_id uuid default null, p_kind text default null
      ) returns table (
        result text, message_id uuid, conversation_id uuid, workspace_id uuid, contact_blocked boolean,
        conversation_mode text, new_conversation boolean, created_at timestamptz, signaled boolean, settings_version bigint
      ) language plpgsql as $fn$
      #variable_conflict use_column
      declare
        v_kind text;
        v_contact_id uuid;
      begin
        select ch.workspace_id, ch.kind, w.settings_version into workspace_id, v_kind, settings_version
          from channels ch join workspaces w on w.id = ch.workspace_id where ch.id = p_channel_id;
        if not found or (p_workspace_id is not null and workspace_id <> p_workspace_id) then
          result := 'UNKNOWN_CHANNEL';
          return next;
          return;
        end if;
        if p_kind is not null and v_kind <> p_kind then
          result := 'WRONG_KIND';
          return next;
          return;
        end if;

        select m.id, m.conversation_id, m.created_at, m.signaled_at is not null
          into message_id, conversation_id, created_at, signaled
          from messages m where m.channel_id = p_channel_id and m.external_id = p_external_id;
        if found then
          select ct.blocked, c.mode into contact_blocked, conversation_mode
            from conversations c join contacts ct on ct.id = c.contact_id where c.id = conversation_id;
          result := 'DUPLICATE';
          new_conversation := false;
          return next;
          return;
        end if;

        insert into contacts as ct (id, workspace_id, contact_key, phone, name)
          values (p_contact_id, workspace_id, p_contact_key, '+' || p_contact_key, p_name)
          on conflict (workspace_id, contact_key) do update set name = coalesce(excluded.name, ct.name)
          returning ct.id, ct.blocked into v_contact_id, contact_blocked;
        insert into conversations as c (id, workspace_id, channel_id, contact_id, workflow_id)
          values (p_conversation_id, workspace_id, p_channel_id, v_contact_id, p_workflow_id)
          on conflict (channel_id, contact_id) do update set workflow_id = excluded.workflow_id
          returning c.id, c.mode, c.xmax = 0 into conversation_id, conversation_mode, new_conversation;

        insert into messages as m (id, workspace_id, conversation_id, channel_id, direction, sender_type, text, status, external_id)
          values (p_message_id, workspace_id, conversation_id, p_channel_id, 'INBOUND', 'CONTACT', p_text, 'DELIVERED', p_external_id)
          on conflict (channel_id, external_id) do nothing
          returning m.id, m.created_at into message_id, created_at;
        if not found then
          -- The same id arrived twice at the same instant: the other delivery stored it.
          select m.id, m.created_at, m.signaled_at is not null into message_id, created_at, signaled
            from messages m where m.channel_id = p_channel_id and m.external_id = p_external_id;
          result := 'DUPLICATE';
          return next;
          return;
        end if;

        update conversations c
          set last_message_at = now(), last_message_text = p_text, unread_count = c.unread_count + 1
          where c.id = conversation_id;
        perform pg_notify('parley_events', json_build_object(
          'type', 'messageAdded', 'workspaceId', workspace_id, 'conversationId', conversation_id, 'messageId', message_id)::text);
        result := 'NEW';
        signaled := false;
        return next;
      end
      $fn$;
    `);
  }
}
