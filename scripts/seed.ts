/** The demo workspace `npm start` creates once: a login, a simulator channel, two keyword rules. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../schema/orm';
import { hashPassword } from '../api/auth/passwords';
import { createAccount } from '../api/graphql/types/auth';
import { publish } from '../activities/events';

export const DEMO_LOGIN = { email: 'demo@parley.local', password: 'parley-demo' };

export async function seedDemo(orm: Orm): Promise<{ created: boolean }> {
  const em = orm.em.fork();
  const [existing] = await em.execute('select 1 from users where lower(email) = ?', [DEMO_LOGIN.email]);
  if (existing) return { created: false };
  const passwordHash = await hashPassword(DEMO_LOGIN.password);
  await em.transactional(async (tx) => {
    const t = tx as EntityManager;
    const { workspace } = await createAccount(t, { email: DEMO_LOGIN.email, name: 'Demo Owner', passwordHash, workspaceName: 'Demo Coffee Roasters' });
    const channelId = randomUUID();
    await t.execute(`insert into channels (id, workspace_id, kind, name, status) values (?, ?, 'SIMULATOR', 'Demo simulator', 'CONNECTED')`, [channelId, workspace.id]);
    await publish(t, { type: 'channelAdded', workspaceId: workspace.id, channelId });
    const rules = [
      ['{price,prices,pricing,cost}', 'Our beans start at 9.90 EUR per 250 g, and subscriptions save 15%. Want the full price list?', 10],
      ['{hours,open,opening}', 'We are open Monday to Friday 9:00-18:00 and Saturday 10:00-14:00.', 5],
    ] as const;
    for (const [keywords, reply, priority] of rules) {
      await t.execute(
        `insert into keyword_rules (id, workspace_id, keywords, match_type, reply, priority) values (?, ?, ?::text[], 'CONTAINS', ?, ?)`,
        [randomUUID(), workspace.id, keywords, reply, priority],
      );
    }
  });
  return { created: true };
}
