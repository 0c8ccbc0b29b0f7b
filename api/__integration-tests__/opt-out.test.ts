/**
 * Opt-out end to end through the simulator (issue 12): a customer's STOP (any case, any of the
 * workspace's words) opts them out of broadcasts and is answered with a confirmation, START opts
 * them back in; other messages route as before; a workspace's own words take effect in running
 * conversations. Real Parley (api + worker), Postgres and Temporal.
 */
import pg from 'pg';
import { createWorkspace, gqlOk, simulateInbound, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';

const DEFAULT_REPLY = "Thanks for your message! We'll get back to you shortly.";
const OPTED_OUT = "You're unsubscribed and will get no more broadcasts from us. Reply START to subscribe again.";
const OPTED_IN = "You're subscribed again. Reply STOP to unsubscribe.";

let platform: PlatformProcess;
let db: pg.Client;

beforeAll(async () => {
  platform = await startPlatform();
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await platform?.stop();
});

/** The bot's reply to an inbound message once it is on the wire. */
async function replyTo(inboundId: string): Promise<string> {
  const row = await waitFor(`the reply to ${inboundId}`, async () => (await db.query(`select text from messages where reply_to_id = $1 and status = 'SENT'`, [inboundId])).rows[0]);
  return row.text;
}

async function say(ws: TestWorkspace, from: string, text: string): Promise<string> {
  return replyTo((await simulateInbound(platform.url, ws, from, text)).id);
}

const contactOf = async (ws: TestWorkspace, phone: string) =>
  (await gqlOk(platform.url, `query($f: ContactFilterInput) { contacts(filter: $f) { edges { node { phone optedOut optedOutAt optOutSource } } } }`, { f: { search: phone } }, ws.token)).contacts.edges[0]
    .node;

describe('opt-out words', () => {
  it('opt a contact out with a confirmation, route other messages as before, and START opts back in', async () => {
    const ws = await createWorkspace(platform.url);
    const phone = '+4915150000001';
    expect(await say(ws, phone, 'hello')).toBe(DEFAULT_REPLY);
    expect(await contactOf(ws, phone)).toMatchObject({ optedOut: false, optOutSource: null });

    expect(await say(ws, phone, '  Stop ')).toBe(OPTED_OUT);
    const out = await contactOf(ws, phone);
    expect(out).toMatchObject({ optedOut: true, optOutSource: 'KEYWORD' });
    expect(out.optedOutAt).not.toBeNull();
    // Opted out of broadcasts, not of the conversation: the bot still answers.
    expect(await say(ws, phone, 'what are your hours?')).toBe(DEFAULT_REPLY);
    // A second STOP confirms again and keeps the first time.
    expect(await say(ws, phone, 'UNSUBSCRIBE')).toBe(OPTED_OUT);
    expect((await contactOf(ws, phone)).optedOutAt).toBe(out.optedOutAt);

    expect(await say(ws, phone, 'start')).toBe(OPTED_IN);
    expect(await contactOf(ws, phone)).toMatchObject({ optedOut: false, optedOutAt: null, optOutSource: null });
    // The opted-out filter sees it.
    expect((await gqlOk(platform.url, `{ contacts(filter: { optedOut: true }) { edges { node { id } } } }`, {}, ws.token)).contacts.edges).toEqual([]);
  });

  it("takes the workspace's own words and confirmation in a running conversation", async () => {
    const ws = await createWorkspace(platform.url);
    const phone = '+4915150000002';
    expect(await say(ws, phone, 'hola')).toBe(DEFAULT_REPLY);
    await gqlOk(platform.url, `mutation { updateBotSettings(input: { optOutKeywords: ["parar", "baja"], optOutReply: "Listo: no recibirás más campañas." }) { optOutKeywords } }`, {}, ws.token);
    expect(await say(ws, phone, 'PARAR')).toBe('Listo: no recibirás más campañas.');
    expect(await contactOf(ws, phone)).toMatchObject({ optedOut: true, optOutSource: 'KEYWORD' });
    // STOP is no longer one of this workspace's words.
    expect(await say(ws, phone, 'stop')).toBe(DEFAULT_REPLY);
  });

  it("leaves a blocked contact's STOP dropped, as every message of theirs", async () => {
    const ws = await createWorkspace(platform.url);
    const phone = '+4915150000003';
    expect(await say(ws, phone, 'hi')).toBe(DEFAULT_REPLY);
    const { contacts } = await gqlOk(platform.url, `{ contacts { edges { node { id } } } }`, {}, ws.token);
    await gqlOk(platform.url, `mutation($id: ID!) { blockContact(contactId: $id) { blocked } }`, { id: contacts.edges[0].node.id }, ws.token);
    const stop = await simulateInbound(platform.url, ws, phone, 'STOP');
    // The barrier: a message after it that the bot answers once unblocked shows the STOP was handled (dropped) before it.
    await gqlOk(platform.url, `mutation($id: ID!) { unblockContact(contactId: $id) { blocked } }`, { id: contacts.edges[0].node.id }, ws.token);
    expect(await say(ws, phone, 'are you there?')).toBe(DEFAULT_REPLY);
    expect((await db.query('select count(*)::int as n from messages where reply_to_id = $1', [stop.id])).rows[0].n).toBe(0);
    expect(await contactOf(ws, phone)).toMatchObject({ optedOut: false });
  });
});
