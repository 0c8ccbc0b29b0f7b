import type { ActivityContext } from './context';
import { execute } from '../schema/orm';

export type ContactActivities = ReturnType<typeof createContactActivities>;

/** Contact writes the conversation workflow makes (worker role, run as local activities); each is idempotent. */
export function createContactActivities(ctx: ActivityContext) {
  return {
    /**
     * The contact of a conversation sent an opt-out (or opt-in) word (workflows/opt-out.ts): they get
     * no broadcasts (or get them again). Only a change is written, so a retry or a second STOP keeps
     * the first time and source. Returns whether it changed anything.
     */
    async setContactOptOut(input: { workspaceId: string; conversationId: string; optedOut: boolean }): Promise<{ changed: boolean }> {
      const rows = await execute<{ id: string }[]>(
        ctx.orm,
        `update contacts ct set opted_out = ?, opted_out_at = case when ? then now() end, opt_out_source = case when ? then 'KEYWORD' end, updated_at = now()
           from conversations c
           where c.id = ? and c.workspace_id = ? and ct.id = c.contact_id and ct.opted_out <> ?
           returning ct.id`,
        [input.optedOut, input.optedOut, input.optedOut, input.conversationId, input.workspaceId, input.optedOut],
      );
      return { changed: rows.length > 0 };
    },
  };
}
