/**
 * Every query and mutation the dashboard sends passes the API's query limits (api/graphql/limits.ts):
 * a limit tight enough to refuse an abusive query must never refuse the product's own pages.
 */
import { startTestApp, type TestApp } from '../../test/support/app';
import { createWorkspace, type TestWorkspace } from '../../test/support/platform';
import { dashboardOperations } from '../../test/support/dashboard-documents';

let app: TestApp;
let shop: TestWorkspace;

beforeAll(async () => {
  app = await startTestApp();
  shop = await createWorkspace(app);
});

afterAll(() => app?.stop());

const operations = dashboardOperations().filter((d) => !/^\s*subscription\b/.test(d));

test.each(operations.map((d) => [d.match(/^\s*\w+\s+(\w+)/)?.[1] ?? d.slice(0, 40), d]))('%s is within the query limits', async (_name, query) => {
  // Without variables an operation that needs them fails later, in execution: the limits run before that.
  const response = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${shop.token}` },
    payload: JSON.stringify({ query }),
  });
  const codes = (response.json().errors ?? []).map((e: { extensions?: { code?: string } }) => e.extensions?.code);
  expect(codes).not.toContain('QUERY_TOO_COMPLEX');
});
