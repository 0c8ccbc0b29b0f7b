/** The demo workspace `npm start` creates once: a login, a simulator channel, two keyword rules. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../schema/orm';
import { hashPassword } from '../api/auth/passwords';
import { createAccount } from '../api/auth/accounts';
import { publish } from '../activities/events';
import { User } from '../schema/entities/user.entity';
import { Channel } from '../schema/entities/channel.entity';
import { KeywordRule } from '../schema/entities/keyword-rule.entity';

export const DEMO_LOGIN = { email: 'demo@parley.local', password: 'parley-demo' };

const DEMO_RULES = [
  { keywords: ['price', 'prices', 'pricing', 'cost'], reply: 'Our beans start at 9.90 EUR per 250 g, and subscriptions save 15%. Want the full price list?', priority: 10 },
  { keywords: ['hours', 'open', 'opening'], reply: 'We are open Monday to Friday 9:00-18:00 and Saturday 10:00-14:00.', priority: 5 },
];

export async function seedDemo(orm: Orm): Promise<{ created: boolean }> {
  const em = orm.em.fork();
  if (await em.findOne(User, { email: DEMO_LOGIN.email }, { fields: ['id'] })) return { created: false };
  const passwordHash = await hashPassword(DEMO_LOGIN.password);
  await em.transactional(async (tx) => {
    const t = tx as EntityManager;
    const { workspace } = await createAccount(t, { email: DEMO_LOGIN.email, name: 'Demo Owner', passwordHash, workspaceName: 'Demo Coffee Roasters' });
    const channel = t.create(Channel, { id: randomUUID(), workspaceId: workspace.id, kind: 'SIMULATOR', name: 'Demo simulator', status: 'CONNECTED' });
    for (const rule of DEMO_RULES) t.create(KeywordRule, { id: randomUUID(), workspaceId: workspace.id, matchType: 'CONTAINS', ...rule });
    await t.flush();
    await publish(t, { type: 'channelAdded', workspaceId: workspace.id, channelId: channel.id });
  });
  return { created: true };
}
