import { Migration } from '@mikro-orm/migrations';

/**
 * Conversation workflow ids without the contact's phone number (issue 8): Temporal's Web UI lists
 * every tenant's workflow ids in plain form, so a new conversation's workflow is now
 * `conversation:<channelId>:<conversationId>`. A conversation keeps the id its workflow started
 * with (the function no longer overwrites `workflow_id` on conflict), so conversations whose
 * workflows run under the old `conversation:<channelId>:<contactKey>` keep them, and the ingress
 * signals the stored id: the function returns it.
 */
export class Migration20261203113500_conversation_workflow_ids extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      drop function parley_receive_inbound(uuid, text, text, text, text, text, uuid, uuid, uuid, uuid, text, text, jsonb, jsonb, text, boolean, timestamptz, boolean, text, text, uuid);
      create function parley_receive_inbound(
        p_channel_id uuid, p_external_id text, p_contact_key text, p_name text, p_text text, p_workflow_id text,
        p_message_id uuid, p_contact_id uuid, p_conversation_id uuid,
        p_workspace_id uuid default null, p_kind text default null,
        p_type text default 'TEXT', p_media jsonb default null, p_details jsonb default null,
        p_reply_to_external_id text default null, p_forwarded boolean default false, p_sent_at timestamptz default null,
        p_from_me boolean default false, p_reaction_target text default null, p_reaction_emoji text default null,
        p_command_id uuid default null
      ) returns table (
        result text, message_id uuid, conversation_id uuid, workspace_id uuid, contact_blocked boolean,
        conversation_mode text, new_conversation boolean, created_at timestamptz, signaled boolean, settings_version bigint,
        take_over_command_id uuid, workflow_id text
      ) language plpgsql as $fn$
      #variable_conflict use_column
      declare
        v_kind text;
        v_options jsonb;
        v_contact_id uuid;
        v_at timestamptz := coalesce(p_sent_at, now());
      begin
        select ch.workspace_id, ch.kind, ch.options, w.settings_version into workspace_id, v_kind, v_options, settings_version
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

        if p_reaction_target is not null then
          -- An older reaction redelivered after a newer one changes nothing.
          if coalesce(p_reaction_emoji, '') = '' then
            delete from message_reactions r
              where r.channel_id = p_channel_id and r.target_external_id = p_reaction_target and r.from_contact = not p_from_me and r.at <= v_at;
          else
            insert into message_reactions as r (id, workspace_id, channel_id, target_external_id, from_contact, emoji, external_id, at)
              values (p_message_id, workspace_id, p_channel_id, p_reaction_target, not p_from_me, p_reaction_emoji, p_external_id, v_at)
              on conflict (channel_id, target_external_id, from_contact)
              do update set emoji = excluded.emoji, external_id = excluded.external_id, at = excluded.at where r.at <= excluded.at;
          end if;
          select m.id, m.conversation_id into message_id, conversation_id
            from messages m where m.channel_id = p_channel_id and m.external_id = p_reaction_target;
          if found then
            perform pg_notify('parley_events', json_build_object(
              'type', 'messageUpdated', 'workspaceId', workspace_id, 'conversationId', conversation_id, 'messageId', message_id)::text);
          end if;
          result := 'REACTION';
          signaled := true;
          new_conversation := false;
          return next;
          return;
        end if;

        select m.id, m.conversation_id, m.created_at, m.signaled_at is not null
          into message_id, conversation_id, created_at, signaled
          from messages m where m.channel_id = p_channel_id and m.external_id = p_external_id;
        if found then
          select ct.blocked, c.mode, c.workflow_id into contact_blocked, conversation_mode, workflow_id
            from conversations c join contacts ct on ct.id = c.contact_id where c.id = conversation_id;
          result := 'DUPLICATE';
          new_conversation := false;
          return next;
          return;
        end if;

        -- On a message from our own phone the profile name is ours, not the contact's.
        insert into contacts as ct (id, workspace_id, contact_key, phone, name)
          values (p_contact_id, workspace_id, p_contact_key, '+' || p_contact_key, case when p_from_me then null else p_name end)
          on conflict (workspace_id, contact_key) do update set name = coalesce(excluded.name, ct.name)
          returning ct.id, ct.blocked into v_contact_id, contact_blocked;
        insert into conversations as c (id, workspace_id, channel_id, contact_id, workflow_id)
          values (p_conversation_id, workspace_id, p_channel_id, v_contact_id, p_workflow_id)
          on conflict (channel_id, contact_id) do update set workflow_id = c.workflow_id
          returning c.id, c.mode, c.xmax = 0, c.workflow_id into conversation_id, conversation_mode, new_conversation, workflow_id;

        if p_from_me then
          -- Receipts for it may have come first (connector/receipts.ts kept them).
          with pending as (
            delete from pending_receipts pr where pr.channel_id = p_channel_id and pr.external_id = p_external_id
            returning pr.status, pr.at, pr.code, pr.reason
          ), receipt as (
            select max(parley_receipt_rank(status)) as rank,
              min(at) filter (where status in ('DELIVERED', 'READ')) as delivered_at, min(at) filter (where status = 'READ') as read_at,
              max(code) filter (where status = 'FAILED') as code, max(reason) filter (where status = 'FAILED') as reason
            from pending
          )
          insert into messages as m (id, workspace_id, conversation_id, channel_id, direction, sender_type, type, text, media, details,
              reply_to_external_id, forwarded, status, external_id, sent_at, delivered_at, read_at, failure_code, failure_reason)
            select p_message_id, workspace_id, conversation_id, p_channel_id, 'OUTBOUND', 'HUMAN', p_type, p_text, p_media, p_details,
              p_reply_to_external_id, p_forwarded, coalesce(parley_receipt_status(receipt.rank), 'SENT'), p_external_id, v_at,
              receipt.delivered_at, receipt.read_at,
              case when receipt.rank = 2 then receipt.code end, case when receipt.rank = 2 then receipt.reason end
            from receipt
            on conflict (channel_id, external_id) do nothing
            returning m.id, m.created_at into message_id, created_at;
        else
          insert into messages as m (id, workspace_id, conversation_id, channel_id, direction, sender_type, type, text, media, details,
              reply_to_external_id, forwarded, status, external_id)
            values (p_message_id, workspace_id, conversation_id, p_channel_id, 'INBOUND', 'CONTACT', p_type, p_text, p_media, p_details,
              p_reply_to_external_id, p_forwarded, 'DELIVERED', p_external_id)
            on conflict (channel_id, external_id) do nothing
            returning m.id, m.created_at into message_id, created_at;
        end if;
        if not found then
          -- The same id arrived twice at the same instant: the other delivery stored it.
          select m.id, m.created_at, m.signaled_at is not null into message_id, created_at, signaled
            from messages m where m.channel_id = p_channel_id and m.external_id = p_external_id;
          result := 'DUPLICATE';
          return next;
          return;
        end if;

        update conversations c
          set last_message_at = now(), last_message_text = p_text,
            unread_count = c.unread_count + case when p_from_me then 0 else 1 end
          where c.id = conversation_id;
        if p_from_me and conversation_mode = 'BOT' and p_command_id is not null
            and coalesce((v_options ->> 'takeOverOnPhoneReply')::boolean, true) then
          insert into conversation_commands (id, workspace_id, conversation_id, kind) values (p_command_id, workspace_id, conversation_id, 'TAKE_OVER');
          take_over_command_id := p_command_id;
        end if;
        perform pg_notify('parley_events', json_build_object(
          'type', 'messageAdded', 'workspaceId', workspace_id, 'conversationId', conversation_id, 'messageId', message_id)::text);
        result := 'NEW';
        signaled := p_from_me;
        return next;
      end
      $fn$;
    `);
  }
}
