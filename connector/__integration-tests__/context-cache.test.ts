/**
 * The ingress's cache of routing contexts (connector/context-cache.ts) on a real Postgres: an
 * entry serves only the settings_version it was read at, and a read that failed is read again.
 */
import { createContextCache } from '../context-cache';
import { testApp } from '../../test/support/app';
import { createWorkspace, gqlOk, query } from '../../test/support/platform';

const api = testApp();

const addRule = (token: string, keyword: string, reply: string) =>
  gqlOk(api, `mutation($i: CreateKeywordRuleInput!) { createKeywordRule(input: $i) { id } }`, { i: { keywords: [keyword], matchType: 'CONTAINS', reply } }, token);

async function settingsVersion(workspaceId: string): Promise<string> {
  const [row] = await query<{ v: string }>(api.databaseUrl, 'select settings_version::text as v from workspaces where id = $1', [workspaceId]);
  return row.v;
}

it('answers from memory while the settings_version is the one it read at, and reads again for a newer one', async () => {
  const ws = await createWorkspace(api, [{ keywords: ['price'], matchType: 'CONTAINS', reply: 'From 10 EUR.' }]);
  const cache = createContextCache(api.orm);
  const read = await settingsVersion(ws.workspaceId);
  expect((await cache.get(ws.workspaceId, read)).rules.map((r) => r.reply)).toEqual(['From 10 EUR.']);

  await addRule(ws.token, 'refund', 'Refunds take 3 days.');
  const changed = await settingsVersion(ws.workspaceId);
  expect(BigInt(changed)).toBeGreaterThan(BigInt(read));
  // Asked for the version it holds, the cache does not go to Postgres: the rule added since is not in it.
  expect((await cache.get(ws.workspaceId, read)).rules.map((r) => r.reply)).toEqual(['From 10 EUR.']);

  const fresh = await cache.get(ws.workspaceId, changed);
  expect(fresh.settingsVersion).toBe(changed);
  expect(fresh.rules.map((r) => r.reply).sort()).toEqual(['From 10 EUR.', 'Refunds take 3 days.']);
});

it('does not remember a failed read: the next call for the same version reads again', async () => {
  const ws = await createWorkspace(api, [{ keywords: ['price'], matchType: 'CONTAINS', reply: 'From 10 EUR.' }]);
  const cache = createContextCache(api.orm);
  const version = await settingsVersion(ws.workspaceId);
  // The rules table gone for a moment: a real failure of the read, not a stand-in for one.
  await query(api.databaseUrl, 'alter table keyword_rules rename to keyword_rules_away');
  try {
    await expect(cache.get(ws.workspaceId, version)).rejects.toThrow(/keyword_rules/);
  } finally {
    await query(api.databaseUrl, 'alter table keyword_rules_away rename to keyword_rules');
  }
  expect((await cache.get(ws.workspaceId, version)).rules.map((r) => r.reply)).toEqual(['From 10 EUR.']);
});
