/**
 * The Cloud API under a crash: the api and worker run in one process, the connector (which runs
 * the sends on `channel:<id>`) in another, killed with SIGKILL right after the Graph API took its
 * 5th reply (PARLEY_TEST_FAULTS=kill-after-channel-send:5) while signed webhooks keep arriving.
 * Afterwards every inbound message is stored and answered, and no reply reached the fake Graph
 * API twice: the one whose SENT mark the crash lost is UNCERTAIN, not resent.
 */
import { createWorkspace, gqlOk, query, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../support/platform';
import { startFakeGraphApi, type FakeGraphApi } from '../support/fake-graph-api';
import { postWebhook, textWebhook } from '../support/cloud-api';
import { settledReply } from '../support/sends';

const REPLY = 'Your order is confirmed.';
const TOKEN = 'EAAG-crash-token';
const PHONE_NUMBER_ID = '5550001';
const APP_SECRET = 'crash-app-secret';
const CUSTOMERS = 20;

let graph: FakeGraphApi;
let platform: PlatformProcess;
let connector: PlatformProcess | undefined;
let shop: TestWorkspace;
let channelId: string;
let graphEnv: Record<string, string>;

beforeAll(async () => {
  graph = await startFakeGraphApi();
  graph.addPhoneNumber(PHONE_NUMBER_ID, TOKEN);
  graphEnv = { GRAPH_API_URL: graph.url, GRAPH_API_TIMEOUT_MS: '3000' };
  platform = await startPlatform({ roles: 'api,worker', env: graphEnv });
  shop = await createWorkspace(platform.url, [{ keywords: ['order'], matchType: 'CONTAINS', reply: REPLY }]);
  const credentials = JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, businessAccountId: 'WABA', accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: 'v' });
  ({ createChannel: { id: channelId } } = await gqlOk(platform.url, `mutation($i: CreateChannelInput!) { createChannel(input: $i) { id } }`, { i: { kind: 'CLOUD_API', name: 'Cloud', credentials } }, shop.token));
});

afterAll(async () => {
  await connector?.stop();
  await platform?.stop();
  await graph?.close();
});

const customer = (i: number) => `+49157000${String(i).padStart(4, '0')}`;

it('kill -9 of the connector while webhooks arrive and replies go out: no inbound lost, no reply on the wire twice', async () => {
  const dying = await startPlatform({ roles: 'connector', databaseUrl: platform.databaseUrl, env: { ...graphEnv, PARLEY_TEST_FAULTS: 'kill-after-channel-send:5' } });
  const answers: number[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const response = await postWebhook(platform.url, channelId, textWebhook({ phoneNumberId: PHONE_NUMBER_ID, from: customer(i), text: 'my order please', id: `wamid.crash-${i}` }), APP_SECRET);
    answers.push(response.status);
    // Half the webhooks arrive after the connector died, with nobody sending.
    if (i === CUSTOMERS / 2) await waitFor('the connector to kill itself after its 5th send', async () => dying.process.signalCode === 'SIGKILL', 60_000);
  }
  expect(answers).toEqual(Array(CUSTOMERS).fill(200));

  connector = await startPlatform({ roles: 'connector', databaseUrl: platform.databaseUrl, env: graphEnv });
  const inbound = await query<{ id: string; external_id: string }>(platform.databaseUrl, `select id, external_id from messages where channel_id = $1 and direction = 'INBOUND' order by external_id`, [channelId]);
  expect(inbound.map((m) => m.external_id).sort()).toEqual(Array.from({ length: CUSTOMERS }, (_, i) => `wamid.crash-${i}`).sort());

  const replies = await Promise.all(inbound.map((m) => settledReply(platform.databaseUrl, m.id, 120_000)));
  const byStatus = (status: string) => replies.filter((r) => r.status === status).length;
  // The 5th reply reached Meta but the crash lost its SENT mark; any other send that was out when the connector died may have too.
  expect(byStatus('UNCERTAIN')).toBeGreaterThanOrEqual(1);
  expect(byStatus('SENT') + byStatus('UNCERTAIN')).toBe(CUSTOMERS);
  for (let i = 0; i < CUSTOMERS; i++) expect(graph.sends(customer(i)).length).toBeLessThanOrEqual(1);
  // Each SENT reply is the one message Meta took for it.
  const taken = graph.sends().map((r) => r.answeredId).filter(Boolean);
  for (const r of replies.filter((r) => r.status === 'SENT')) expect(taken.filter((id) => id === r.external_id)).toHaveLength(1);
  expect(replies.filter((r) => r.status === 'UNCERTAIN').every((r) => r.failure_reason === 'The previous attempt may have reached WhatsApp; not resent automatically.')).toBe(true);
});
