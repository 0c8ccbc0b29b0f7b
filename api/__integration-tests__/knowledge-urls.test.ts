/**
 * The SSRF guard at the API: with ALLOW_PRIVATE_URLS off (the default), a document URL on
 * loopback, link-local or a private network is refused when it is added, and nothing is stored.
 * The in-process api on a real Postgres and Temporal.
 */
import { createWorkspace, gql, query } from '../../test/support/platform';
import { testApp } from '../../test/support/app';
import { ADD_DOCUMENT, createKnowledgeBase } from '../../test/support/knowledge';

const app = testApp();

it.each([
  ['http://127.0.0.1:5432/', '127.0.0.1'],
  ['http://localhost:7233/', 'localhost'],
  ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
  ['http://10.0.0.8/admin', '10.0.0.8'],
  ['http://[::1]:3000/', '::1'],
])('refuses %s before storing anything', async (url, host) => {
  const ws = await createWorkspace(app);
  const kb = await createKnowledgeBase(app.url, ws.token);
  const result = await gql(app, ADD_DOCUMENT, { i: { knowledgeBaseId: kb, name: 'Internal', url } }, ws.token);
  expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'url' } });
  expect(result.errors?.[0].message).toMatch(new RegExp(`^url: the host ${host.replace(/\./g, '\\.')} resolves to .*, a private or local address that documents may not be fetched from$`));
  expect(await query(app.databaseUrl, `select count(*)::int as n from documents where workspace_id = $1`, [ws.workspaceId])).toEqual([{ n: 0 }]);
});
