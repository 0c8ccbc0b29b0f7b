/**
 * The AI route end to end: simulator → ingress → conversation workflow (debounce, retrieve,
 * generate, validate) → the real Anthropic / OpenAI SDKs over HTTP to a wire-compatible fake →
 * the reply on the simulator's wire; failover, escalation, drafts and the settings API. Real
 * Postgres, Temporal and platform process; only the LLM vendors are faked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { recordHistories } from '../../workflows/__fixtures__/record-histories';
import { createWorkspace, gql, gqlOk, query, simulateInbound, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';
import { TEST_TEMPORAL_ADDRESS, testDataConverter } from '../../test/support/services-env';
import { answer, startFakeLlm, type FakeLlm, type RecordedRequest } from '../../test/support/fake-llm-server';
import { solidPng } from '../../test/support/png';
import { ADD_DOCUMENT, createKnowledgeBase, waitForDocument } from '../../test/support/knowledge';

const DEFAULT_REPLY = "Thanks for your message! We'll get back to you shortly.";
const HANDOVER = 'A colleague will answer you in a moment.';
/** Each provider gets this long before the next one is asked (the hang test waits it out once). */
const PROVIDER_TIMEOUT_MS = 2000;

let platform: PlatformProcess;
let primary: FakeLlm;
let secondary: FakeLlm;
let connection: Connection;
let temporal: Client;
let phones = 0;

beforeAll(async () => {
  [primary, secondary] = await Promise.all([startFakeLlm(), startFakeLlm()]);
  platform = await startPlatform({ env: { AI_PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS) } });
  connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  temporal = new Client({ connection, dataConverter: testDataConverter() });
});

afterAll(async () => {
  if (process.env.RECORD_HISTORIES) await recordHistories(temporal, 'ai-replies');
  await connection?.close();
  await platform?.stop();
  await Promise.all([primary?.close(), secondary?.close()]);
});

beforeEach(() => {
  for (const fake of [primary, secondary]) {
    fake.requests.length = 0;
    fake.respond(() => answer('OK'));
    fake.transcription = 'transcribed text';
  }
});

/** A new customer phone per test: each test has its own conversation. */
const phone = () => `+49151${String(7000000 + ++phones)}`;

const SETTINGS = `enabled botName persona temperature historyMessages confidenceThreshold sensitiveTopics approvalMode handoverMessage debounceSeconds knowledgeBaseIds
  providers { kind baseUrl model hasApiKey } embeddings { baseUrl model dimensions hasApiKey }`;

async function enableAi(ws: TestWorkspace, input: Record<string, unknown> = {}) {
  const { updateAiSettings } = await gqlOk(
    platform.url,
    `mutation($i: AiSettingsInput!) { updateAiSettings(input: $i) { ${SETTINGS} } }`,
    {
      i: {
        enabled: true,
        providers: [{ kind: 'ANTHROPIC', baseUrl: primary.url, model: 'claude-fake', apiKey: 'sk-ant-primary-secret' }],
        botName: 'Ada',
        persona: 'You are Ada, the friendly assistant of the Test Shop bakery.',
        handoverMessage: HANDOVER,
        debounceSeconds: 0,
        ...input,
      },
    },
    ws.token,
  );
  return updateAiSettings;
}

const MESSAGES = `query($id: ID!) { conversation(id: $id) { mode handoverReason messages { id direction senderType text status
  ai { provider model latencyMs inputTokens outputTokens confidence sentiment language sources { documentName text score } } aiPrompt } } }`;

async function conversation(ws: TestWorkspace, id: string, token = ws.token) {
  return (await gqlOk(platform.url, MESSAGES, { id }, token)).conversation as {
    mode: string;
    handoverReason: string | null;
    messages: { id: string; direction: string; senderType: string; text: string; status: string; ai: any; aiPrompt: string | null }[];
  };
}

/** The bot's messages of a conversation once `count` of them exist and `done` holds. */
async function botMessages(ws: TestWorkspace, id: string, count: number, done: (m: { status: string }) => boolean = (m) => m.status === 'SENT') {
  return waitFor(`${count} bot messages`, async () => {
    const bot = (await conversation(ws, id)).messages.filter((m) => m.senderType === 'BOT');
    return bot.length >= count && bot.every(done) && bot;
  }, 60_000);
}

/** What the simulator's wire received for one conversation's customer, in order. */
async function wire(ws: TestWorkspace, to: string) {
  return query<{ text: string; idempotency_key: string; outcome: string }>(
    platform.databaseUrl,
    `select text, idempotency_key, outcome from simulator_deliveries where channel_id = $1 and to_phone = $2 order by delivered_at`,
    [ws.channelId, to],
  );
}

describe('AI replies', () => {
  test('the AI answers through the real SDK: persona, bot name, business hours and the customer in the prompt, the trace on the message, the prompt for managers only', async () => {
    const ws = await createWorkspace(platform.url);
    await enableAi(ws);
    primary.respond(() => answer('Hi! Yes, we deliver within the city.', { confidence: 0.88, language: 'en', sentiment: 'positive' }));
    const from = phone();
    const message = await simulateInbound(platform.url, ws, from, 'Hello, do you deliver?');

    const [reply] = await botMessages(ws, message.conversationId, 1);
    expect(reply.text).toBe('Hi! Yes, we deliver within the city.');
    expect((await wire(ws, from)).map((d) => d.text)).toEqual(['Hi! Yes, we deliver within the city.']);
    const [request] = primary.chats();
    expect(request.path).toBe('/v1/messages');
    expect(request.promptText).toContain('You are Ada, the friendly assistant of the Test Shop bakery.');
    expect(request.promptText).toContain('Your name is Ada.');
    expect(request.promptText).toContain('Business hours (UTC): always open');
    expect(request.promptText).toContain('Hello, do you deliver?');
    expect(request.promptText).toMatch(/Never invent prices/);
    expect(request.body.tool_choice).toEqual({ type: 'tool', name: 'reply' });
    expect([request.apiKey, request.authorization].join(' ')).toContain('sk-ant-primary-secret');
    expect(reply.ai).toMatchObject({ provider: 'ANTHROPIC', model: 'claude-fake', inputTokens: 120, outputTokens: 30, confidence: 0.88, sentiment: 'POSITIVE', language: 'en', sources: [] });
    expect(reply.ai.latencyMs).toBeGreaterThanOrEqual(0);
    expect(reply.aiPrompt).toContain('[user]\nHello, do you deliver?');

    // An agent sees the trace but not the prompt.
    const email = `agent-${phones}@example.com`;
    await gqlOk(platform.url, `mutation($i: AddMemberInput!) { addMember(input: $i) { role } }`, { i: { email, password: 'correct horse battery', name: 'Agent', role: 'AGENT' } }, ws.token);
    const { signIn } = await gqlOk(platform.url, `mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }`, { i: { email, password: 'correct horse battery' } });
    const seenByAgent = (await conversation(ws, message.conversationId, signIn.accessToken)).messages.find((m) => m.id === reply.id)!;
    expect(seenByAgent.ai.model).toBe('claude-fake');
    expect(seenByAgent.aiPrompt).toBeNull();
    const refused = await gql(platform.url, `{ aiSettings { enabled } }`, {}, signIn.accessToken);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test("a fact that is only in an uploaded document reaches the prompt (with the document's name) and the reply; another workspace never retrieves it", async () => {
    const ws = await createWorkspace(platform.url);
    const other = await createWorkspace(platform.url);
    // Through the real ingestion: addDocument → documentIngestionWorkflow → INDEXED chunks.
    const knowledgeBaseId = await createKnowledgeBase(platform.url, ws.token, 'Bakery');
    for (const [name, text] of [
      ['Price list 2026', 'A sourdough loaf costs 4.20 EUR and is baked fresh every Tuesday and Friday.'],
      ['Opening hours', 'The bakery opens at 7 am on weekdays.'],
    ]) {
      const { addDocument } = await gqlOk(platform.url, ADD_DOCUMENT, { i: { knowledgeBaseId, name, text } }, ws.token);
      await waitForDocument(platform.databaseUrl, addDocument.id, ['INDEXED']);
    }
    await enableAi(ws);
    await enableAi(other);
    // The fake model answers from the passages it was given, as a grounded model would.
    primary.respond((request) => answer(/4\.20 EUR/.test(request.promptText) ? 'A sourdough loaf is 4.20 EUR, baked on Tuesdays and Fridays.' : 'Let me check with the team.'));
    const message = await simulateInbound(platform.url, ws, phone(), 'How much does a sourdough loaf cost?');
    const [reply] = await botMessages(ws, message.conversationId, 1);
    expect(reply.text).toBe('A sourdough loaf is 4.20 EUR, baked on Tuesdays and Fridays.');
    expect(primary.chats()[0].promptText).toContain('(Price list 2026) A sourdough loaf costs 4.20 EUR');
    expect(reply.ai.sources[0]).toMatchObject({ documentName: 'Price list 2026', text: 'A sourdough loaf costs 4.20 EUR and is baked fresh every Tuesday and Friday.' });
    expect(reply.ai.sources[0].score).toBeGreaterThan(0);

    const elsewhere = await simulateInbound(platform.url, other, phone(), 'How much does a sourdough loaf cost?');
    const [theirs] = await botMessages(other, elsewhere.conversationId, 1, () => true);
    expect(primary.chats()[1].promptText).not.toContain('4.20');
    expect(theirs.text).not.toContain('4.20');
  });

  test('a voice note is transcribed through the OpenAI-compatible /audio/transcriptions, stored on the message, and answered from its words', async () => {
    const ws = await createWorkspace(platform.url);
    await enableAi(ws, {
      providers: [
        { kind: 'ANTHROPIC', baseUrl: primary.url, model: 'claude-fake', apiKey: 'k1' },
        { kind: 'OPENAI_COMPATIBLE', baseUrl: secondary.openAiUrl, model: 'gpt-fake', apiKey: 'k2' },
      ],
    });
    secondary.transcription = 'Do you have gluten-free bread?';
    primary.respond((request) => answer(request.promptText.includes('gluten-free') ? 'Yes, gluten-free bread on Fridays.' : 'Sorry, I could not listen to that.'));
    // The smallest Ogg/Opus file the media check recognises by its content.
    const ogg = Buffer.alloc(200);
    ogg.write('OggS', 0);
    ogg[5] = 2;
    ogg.write('OpusHead', 28);
    ogg[36] = 1;
    ogg[37] = 1;
    const { simulateInbound: voice } = await gqlOk(platform.url, `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id conversationId } }`, {
      i: { channelId: ws.channelId, from: phone(), text: '🎤 voice message', type: 'VOICE', mediaUrl: `data:audio/ogg;base64,${ogg.toString('base64')}` },
    }, ws.token);
    const [reply] = await botMessages(ws, voice.conversationId, 1);
    expect(reply.text).toBe('Yes, gluten-free bread on Fridays.');
    expect(secondary.requests.some((r) => r.path === '/v1/audio/transcriptions')).toBe(true);
    expect(primary.chats()[0].promptText).toContain('(voice message) Do you have gluten-free bread?');
    const [row] = await query<{ details: { transcript?: string } }>(platform.databaseUrl, 'select details from messages where id = $1', [voice.id]);
    expect(row.details.transcript).toBe('Do you have gluten-free bread?');
  });

  test('an image is described by a vision model (the first provider stalling after its headers, the next in order describing it), stored on the message, and answered from what it shows', async () => {
    const ws = await createWorkspace(platform.url);
    await enableAi(ws, {
      providers: [
        { kind: 'ANTHROPIC', baseUrl: primary.url, model: 'claude-fake', apiKey: 'k1' },
        { kind: 'OPENAI_COMPATIBLE', baseUrl: secondary.openAiUrl, model: 'gpt-fake', apiKey: 'k2' },
      ],
    });
    const describes = (r: RecordedRequest) => (r.body?.tools?.[0]?.name ?? r.body?.tools?.[0]?.function?.name) === 'describe_image';
    primary.respond((request) =>
      describes(request) ? { kind: 'stall' } : answer(request.promptText.includes('ORDER 4471') ? 'Sorry about order 4471, a new one is on its way.' : 'What does the picture show?'));
    secondary.respond((request) => (describes(request) ? { kind: 'answer', arguments: { description: 'A parcel with a torn label reading ORDER 4471.' } } : answer('unused')));
    const png = solidPng(8, 8, [200, 40, 40]);
    const { simulateInbound: image } = await gqlOk(platform.url, `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id conversationId } }`, {
      i: { channelId: ws.channelId, from: phone(), text: 'it arrived like this', type: 'IMAGE', mediaUrl: `data:image/png;base64,${png.toString('base64')}` },
    }, ws.token);
    const [reply] = await botMessages(ws, image.conversationId, 1);
    expect(reply.text).toBe('Sorry about order 4471, a new one is on its way.');
    // Both wires carried the image itself: Anthropic's base64 block, OpenAI's data URL.
    const anthropicAsk = primary.chats().find(describes)!;
    expect(anthropicAsk.body.messages.at(-1).content[0]).toEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png.toString('base64') } });
    const openAiAsk = secondary.chats().find(describes)!;
    expect(openAiAsk.body.messages.at(-1).content[0]).toEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } });
    const answered = primary.chats().filter((r) => !describes(r));
    expect(answered.at(-1)!.promptText).toContain('it arrived like this\n(the image shows: A parcel with a torn label reading ORDER 4471.)');
    const [row] = await query<{ details: { description?: string } }>(platform.databaseUrl, 'select details from messages where id = $1', [image.id]);
    expect(row.details.description).toBe('A parcel with a torn label reading ORDER 4471.');
  });

  test("a document's text is extracted, stored on the message, and answered from", async () => {
    const ws = await createWorkspace(platform.url);
    await enableAi(ws, { providers: [{ kind: 'ANTHROPIC', baseUrl: primary.url, model: 'claude-fake', apiKey: 'k1' }] });
    primary.respond((request) => answer(request.promptText.includes('opens at 7 am on weekdays') ? 'Yes, that is our timetable.' : 'I could not read the file.'));
    const pdf = fs.readFileSync(path.join(__dirname, '../../test/fixtures/knowledge/opening-hours.pdf'));
    const { simulateInbound: document } = await gqlOk(platform.url, `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id conversationId } }`, {
      i: { channelId: ws.channelId, from: phone(), text: 'is this still right?', type: 'DOCUMENT', mediaUrl: `data:application/pdf;base64,${pdf.toString('base64')}` },
    }, ws.token);
    const [reply] = await botMessages(ws, document.conversationId, 1);
    expect(reply.text).toBe('Yes, that is our timetable.');
    const [row] = await query<{ details: { documentText?: string } }>(platform.databaseUrl, 'select details from messages where id = $1', [document.id]);
    expect(row.details.documentText).toContain('Our cafe in Leipzig opens at 7 am on weekdays');
  });

  test('failover: the first provider answers 500, then hangs; the second answers both times; garbage and a malformed answer are handled', async () => {
    const ws = await createWorkspace(platform.url);
    await enableAi(ws, {
      providers: [
        { kind: 'ANTHROPIC', baseUrl: primary.url, model: 'claude-fake', apiKey: 'k1' },
        { kind: 'OPENAI_COMPATIBLE', baseUrl: secondary.openAiUrl, model: 'gpt-fake', apiKey: 'k2' },
      ],
    });
    const from = phone();
    primary.respond(() => ({ kind: 'error', status: 500 }));
    secondary.respond(() => answer('Answer from the second provider.'));
    const first = await simulateInbound(platform.url, ws, from, 'What time do you open?');
    const [one] = await botMessages(ws, first.conversationId, 1);
    expect(one.text).toBe('Answer from the second provider.');
    expect(one.ai).toMatchObject({ provider: 'OPENAI_COMPATIBLE', model: 'gpt-fake' });
    expect(secondary.chats()[0].path).toBe('/v1/chat/completions');
    expect(secondary.chats()[0].body.tool_choice).toEqual({ type: 'function', function: { name: 'reply' } });

    primary.respond(() => ({ kind: 'hang' }));
    secondary.respond(() => answer('Still here after a hang.'));
    const started = Date.now();
    await simulateInbound(platform.url, ws, from, 'And on Sundays?');
    const two = await botMessages(ws, first.conversationId, 2);
    expect(two[1].text).toBe('Still here after a hang.');
    expect(Date.now() - started).toBeGreaterThanOrEqual(PROVIDER_TIMEOUT_MS);

    primary.respond(() => ({ kind: 'garbage' }));
    // Malformed once (confidence out of range), then well formed: asked again once, and answered.
    secondary.respond((_r, i) => (i % 2 === 0 ? { kind: 'answer', arguments: { reply: 'x', confidence: 7, escalate: false, language: 'en', sentiment: 'neutral' } } : answer('Well formed the second time.')));
    await simulateInbound(platform.url, ws, from, 'Do you bake gluten-free bread?');
    const three = await botMessages(ws, first.conversationId, 3);
    expect(three[2].text).toBe('Well formed the second time.');
    expect((await wire(ws, from)).map((d) => d.text)).toEqual(['Answer from the second provider.', 'Still here after a hang.', 'Well formed the second time.']);
  });

  test('every provider down: the conversation goes to a human with "AI unavailable", the customer gets the handover message, the message is kept', async () => {
    const ws = await createWorkspace(platform.url);
    await gqlOk(platform.url, `mutation { updateBotSettings(input: { humanSlaSeconds: 600 }) { humanSlaSeconds } }`, {}, ws.token);
    await enableAi(ws, {
      providers: [
        { kind: 'ANTHROPIC', baseUrl: primary.url, model: 'claude-fake', apiKey: 'k1' },
        { kind: 'OPENAI_COMPATIBLE', baseUrl: secondary.openAiUrl, model: 'gpt-fake', apiKey: 'k2' },
      ],
    });
    primary.respond(() => ({ kind: 'error', status: 500 }));
    secondary.respond(() => ({ kind: 'error', status: 503 }));
    const from = phone();
    const message = await simulateInbound(platform.url, ws, from, 'Can I order a cake for Saturday?');
    const [handover] = await botMessages(ws, message.conversationId, 1);
    expect(handover.text).toBe(HANDOVER);
    expect(handover.ai).toBeNull();
    const after = await conversation(ws, message.conversationId);
    expect(after).toMatchObject({ mode: 'HUMAN', handoverReason: 'AI unavailable' });
    expect(after.messages.find((m) => m.id === message.id)?.text).toBe('Can I order a cake for Saturday?');
    expect((await wire(ws, from)).map((d) => d.text)).toEqual([HANDOVER]);
    const [row] = await query(platform.databaseUrl, 'select mode, handover_reason from conversations where id = $1', [message.conversationId]);
    expect(row).toEqual({ mode: 'HUMAN', handover_reason: 'AI unavailable' });

    // Released, the bot answers again and the reason is gone.
    primary.respond(() => answer('Back in business.'));
    await gqlOk(platform.url, `mutation($id: ID!) { release(conversationId: $id) { mode } }`, { id: message.conversationId }, ws.token);
    expect((await conversation(ws, message.conversationId)).handoverReason).toBeNull();
    await simulateInbound(platform.url, ws, from, 'Hello again');
    expect((await botMessages(ws, message.conversationId, 2))[1].text).toBe('Back in business.');
  });

  test('low confidence and a sensitive topic go to a human with the reason', async () => {
    const ws = await createWorkspace(platform.url);
    await enableAi(ws, { confidenceThreshold: 0.7 });
    primary.respond(() => answer('Maybe, I am not sure.', { confidence: 0.3 }));
    const unsure = await simulateInbound(platform.url, ws, phone(), 'Is your flour organic?');
    await botMessages(ws, unsure.conversationId, 1);
    expect(await conversation(ws, unsure.conversationId)).toMatchObject({ mode: 'HUMAN', handoverReason: 'low confidence (0.30 < 0.7)' });

    primary.respond(() => answer('Sure, here is your refund!', { confidence: 0.99 }));
    const from = phone();
    const refund = await simulateInbound(platform.url, ws, from, 'I want a REFUND for my order');
    const [handover] = await botMessages(ws, refund.conversationId, 1);
    expect(handover.text).toBe(HANDOVER);
    expect(await conversation(ws, refund.conversationId)).toMatchObject({ mode: 'HUMAN', handoverReason: 'sensitive topic: refund' });
    expect((await wire(ws, from)).map((d) => d.text)).toEqual([HANDOVER]);

    primary.respond(() => answer('Let me get a colleague.', { escalate: true, reason: 'asks for the manager' }));
    const flagged = await simulateInbound(platform.url, ws, phone(), 'Let me talk to your manager');
    await botMessages(ws, flagged.conversationId, 1);
    expect((await conversation(ws, flagged.conversationId)).handoverReason).toBe('the AI asked for a human: asks for the manager');
  });

  test('approval mode: a draft is approved with an edit and sent once (twice, and by two agents at once, still once), or rejected and never sent', async () => {
    const ws = await createWorkspace(platform.url);
    await enableAi(ws, { approvalMode: 'ALL' });
    primary.respond(() => answer('Our croissants cost 2 EUR.'));
    const from = phone();
    const first = await simulateInbound(platform.url, ws, from, 'How much is a croissant?');
    const [draft] = await botMessages(ws, first.conversationId, 1, (m) => m.status === 'DRAFT');
    expect(draft.text).toBe('Our croissants cost 2 EUR.');
    expect(await wire(ws, from)).toEqual([]);

    const APPROVE = `mutation($id: ID!, $text: String) { approveDraft(messageId: $id, text: $text) { id status text } }`;
    const { approveDraft } = await gqlOk(platform.url, APPROVE, { id: draft.id, text: 'Our croissants cost 2.50 EUR.' }, ws.token);
    expect(approveDraft.text).toBe('Our croissants cost 2.50 EUR.');
    await waitFor('the approved draft on the wire', async () => (await wire(ws, from)).length === 1);
    const again = await gql(platform.url, APPROVE, { id: draft.id }, ws.token);
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0]?.message).toMatch(/not a draft/);

    // Two agents approve the next draft at the same instant.
    primary.respond(() => answer('We open at 7.'));
    await simulateInbound(platform.url, ws, from, 'When do you open?');
    const second = (await botMessages(ws, first.conversationId, 2, (m) => m.status === 'SENT' || m.status === 'DRAFT'))[1];
    expect(second.status).toBe('DRAFT');
    const both = await Promise.all([gql(platform.url, APPROVE, { id: second.id, text: 'We open at 7 am.' }, ws.token), gql(platform.url, APPROVE, { id: second.id, text: 'We open at seven.' }, ws.token)]);
    expect(both.filter((r) => r.data?.approveDraft).length).toBeGreaterThanOrEqual(1);

    // A third draft rejected; a fourth message is the barrier: its draft exists, so the rejected one was never sent.
    primary.respond(() => answer('We have a discount for you!'));
    await simulateInbound(platform.url, ws, from, 'Any offers?');
    const third = (await botMessages(ws, first.conversationId, 3, (m) => m.status !== 'PENDING' && m.status !== 'SENDING'))[2];
    const { rejectDraft } = await gqlOk(platform.url, `mutation($id: ID!) { rejectDraft(messageId: $id) { status } }`, { id: third.id }, ws.token);
    expect(rejectDraft.status).toBe('REJECTED');
    primary.respond(() => answer('Bye!'));
    await simulateInbound(platform.url, ws, from, 'Thanks, bye');
    const fourth = (await botMessages(ws, first.conversationId, 4, (m) => m.status !== 'PENDING' && m.status !== 'SENDING'))[3];
    await gqlOk(platform.url, APPROVE, { id: fourth.id }, ws.token);
    await waitFor('the fourth reply on the wire', async () => (await wire(ws, from)).some((d) => d.text === 'Bye!'));

    const delivered = await wire(ws, from);
    expect(delivered.map((d) => d.text)).toHaveLength(3);
    expect(delivered[0].text).toBe('Our croissants cost 2.50 EUR.');
    expect(['We open at 7 am.', 'We open at seven.']).toContain(delivered[1].text);
    expect(delivered[2].text).toBe('Bye!');
    expect(delivered.every((d) => d.outcome === 'DELIVERED')).toBe(true);
    // The second history message the model saw for the fourth reply is the approved text, not the rejected draft.
    expect(primary.chats().at(-1)!.promptText).not.toContain('We have a discount for you!');
  });

  test("a contact's approval override: this contact's replies wait as drafts while the workspace's go out", async () => {
    const ws = await createWorkspace(platform.url);
    await enableAi(ws);
    primary.respond(() => answer('Hello there.'));
    const from = phone();
    const first = await simulateInbound(platform.url, ws, from, 'Hi');
    await botMessages(ws, first.conversationId, 1);
    const { conversation: c } = await gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { contact { id } } }`, { id: first.conversationId }, ws.token);
    const SET = `mutation($id: ID!, $mode: ApprovalMode) { setContactApprovalMode(contactId: $id, mode: $mode) { aiApprovalMode } }`;
    expect((await gqlOk(platform.url, SET, { id: c.contact.id, mode: 'ALL' }, ws.token)).setContactApprovalMode.aiApprovalMode).toBe('ALL');
    await simulateInbound(platform.url, ws, from, 'Are you there?');
    const [, second] = await botMessages(ws, first.conversationId, 2, (m) => m.status === 'SENT' || m.status === 'DRAFT');
    expect(second.status).toBe('DRAFT');
    expect((await wire(ws, from)).map((d) => d.text)).toEqual(['Hello there.']);
    const other = await createWorkspace(platform.url);
    expect((await gql(platform.url, SET, { id: c.contact.id, mode: 'OFF' }, other.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  test('debounce: three quick messages get one reply, answered together', async () => {
    const ws = await createWorkspace(platform.url);
    await enableAi(ws, { debounceSeconds: 2 });
    primary.respond(() => answer('One answer to all three.'));
    const from = phone();
    const first = await simulateInbound(platform.url, ws, from, 'Hi');
    await simulateInbound(platform.url, ws, from, 'I would like a cake');
    await simulateInbound(platform.url, ws, from, 'chocolate, for 10 people');
    const [reply] = await botMessages(ws, first.conversationId, 1);
    expect(reply.text).toBe('One answer to all three.');
    expect(primary.chats()).toHaveLength(1);
    expect(primary.chats()[0].body.messages.at(-1).content).toBe('Hi\nI would like a cake\nchocolate, for 10 people');

    // A later message is the barrier: its reply came, and still only one reply to the burst.
    primary.respond(() => answer('Noted.'));
    await simulateInbound(platform.url, ws, from, 'Thanks');
    await botMessages(ws, first.conversationId, 2);
    expect((await wire(ws, from)).map((d) => d.text)).toEqual(['One answer to all three.', 'Noted.']);
    expect(primary.chats()).toHaveLength(2);
  });

  test('settings: keys are sealed and never returned, an omitted key is kept, every field is validated, another workspace sees its own, a change reaches a running conversation', async () => {
    const ws = await createWorkspace(platform.url);
    const other = await createWorkspace(platform.url);
    const saved = await enableAi(ws, { embeddings: { baseUrl: secondary.openAiUrl, model: 'embed-fake', apiKey: 'sk-embed-secret', dimensions: 8 } });
    expect(saved.providers).toEqual([{ kind: 'ANTHROPIC', baseUrl: primary.url, model: 'claude-fake', hasApiKey: true }]);
    expect(saved.embeddings).toEqual({ baseUrl: secondary.openAiUrl, model: 'embed-fake', dimensions: 8, hasApiKey: true });
    expect(saved).toMatchObject({ historyMessages: 12, confidenceThreshold: 0.6, sensitiveTopics: ['refund', 'complaint', 'legal'], approvalMode: 'OFF', temperature: 0.3 });

    // The model is changed, the key left out: it is kept.
    const { updateAiSettings: kept } = await gqlOk(
      platform.url,
      `mutation($i: AiSettingsInput!) { updateAiSettings(input: $i) { providers { model hasApiKey } } }`,
      { i: { providers: [{ kind: 'ANTHROPIC', baseUrl: primary.url, model: 'claude-fake-2' }] } },
      ws.token,
    );
    expect(kept.providers).toEqual([{ model: 'claude-fake-2', hasApiKey: true }]);
    const read = await gql(platform.url, `{ aiSettings { ${SETTINGS} } }`, {}, ws.token);
    expect(JSON.stringify(read)).not.toMatch(/secret/);
    const [row] = await query<{ providers: unknown; embeddings: unknown }>(platform.databaseUrl, 'select providers, embeddings from ai_settings where workspace_id = $1', [ws.workspaceId]);
    expect(JSON.stringify(row)).not.toMatch(/secret/);
    primary.respond(() => answer('Answered with the kept key.'));
    const from = phone();
    const message = await simulateInbound(platform.url, ws, from, 'Hello?');
    await botMessages(ws, message.conversationId, 1);
    expect([primary.chats()[0].apiKey, primary.chats()[0].authorization].join(' ')).toContain('sk-ant-primary-secret');
    expect(primary.chats()[0].body.model).toBe('claude-fake-2');

    const { testAiProvider } = await gqlOk(
      platform.url,
      `mutation($i: AiProviderInput!) { testAiProvider(input: $i) { ok reply error } }`,
      { i: { kind: 'ANTHROPIC', baseUrl: primary.url, model: 'claude-fake-2' } },
      ws.token,
    );
    expect(testAiProvider).toEqual({ ok: true, reply: 'Answered with the kept key.', error: null });
    secondary.respond(() => ({ kind: 'error', status: 500 }));
    const { testAiProvider: down } = await gqlOk(
      platform.url,
      `mutation($i: AiProviderInput!) { testAiProvider(input: $i) { ok error } }`,
      { i: { kind: 'OPENAI_COMPATIBLE', baseUrl: secondary.openAiUrl, model: 'gpt-fake', apiKey: 'x' } },
      ws.token,
    );
    expect(down.ok).toBe(false);
    expect(down.error).toMatch(/500/);

    const invalid = async (input: Record<string, unknown>) => {
      const result = await gql(platform.url, `mutation($i: AiSettingsInput!) { updateAiSettings(input: $i) { enabled } }`, { i: input }, ws.token);
      return [result.errors?.[0]?.extensions?.code, result.errors?.[0]?.extensions?.field];
    };
    expect(await invalid({ providers: [{ kind: 'ANTHROPIC', baseUrl: 'ftp://example.com', model: 'm' }] })).toEqual(['BAD_USER_INPUT', 'providers.0.baseUrl']);
    expect(await invalid({ confidenceThreshold: 1.5 })).toEqual(['BAD_USER_INPUT', 'confidenceThreshold']);
    expect(await invalid({ debounceSeconds: -1 })).toEqual(['BAD_USER_INPUT', 'debounceSeconds']);
    expect(await invalid({ historyMessages: 1000 })).toEqual(['BAD_USER_INPUT', 'historyMessages']);
    expect(await invalid({ temperature: 3 })).toEqual(['BAD_USER_INPUT', 'temperature']);
    expect(await invalid({ knowledgeBaseIds: ['nope'] })).toEqual(['BAD_USER_INPUT', 'knowledgeBaseIds.0']);

    // The other workspace sees its own (defaults), and its customers get its default reply, not the AI.
    const { aiSettings: theirs } = await gqlOk(platform.url, `{ aiSettings { enabled providers { model } } }`, {}, other.token);
    expect(theirs).toEqual({ enabled: false, providers: [] });
    const elsewhere = await simulateInbound(platform.url, other, phone(), 'Hello?');
    expect((await botMessages(other, elsewhere.conversationId, 1))[0].text).toBe(DEFAULT_REPLY);

    // The knowledge test panel answers as the bot would, from one of the workspace's own knowledge bases.
    const kb = (await query<{ id: string }>(platform.databaseUrl, `insert into knowledge_bases (id, workspace_id, name) values (gen_random_uuid(), $1, 'Menu') returning id`, [ws.workspaceId]))[0].id;
    const foreign = (await query<{ id: string }>(platform.databaseUrl, `insert into knowledge_bases (id, workspace_id, name) values (gen_random_uuid(), $1, 'Theirs') returning id`, [other.workspaceId]))[0].id;
    primary.respond(() => answer('We are open from 7.', { confidence: 0.8 }));
    const ASK = `query($kb: ID!, $q: String!) { askKnowledgeBase(knowledgeBaseId: $kb, question: $q) { answer confidence sources { documentName } error } }`;
    const { askKnowledgeBase } = await gqlOk(platform.url, ASK, { kb, q: 'When do you open?' }, ws.token);
    expect(askKnowledgeBase).toEqual({ answer: 'We are open from 7.', confidence: 0.8, sources: [], error: null });
    expect(primary.chats().at(-1)!.promptText).toContain('You are Ada, the friendly assistant of the Test Shop bakery.');
    expect(primary.chats().at(-1)!.promptText).toContain('When do you open?');
    expect((await gql(platform.url, ASK, { kb: foreign, q: 'When do you open?' }, ws.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await invalid({ knowledgeBaseIds: [kb, foreign] })).toEqual(['BAD_USER_INPUT', 'knowledgeBaseIds.1']);

    // Turned off: the running conversation answers its next message with the default reply (settings_version).
    await gqlOk(platform.url, `mutation { updateAiSettings(input: { enabled: false }) { enabled } }`, {}, ws.token);
    await simulateInbound(platform.url, ws, from, 'Still there?');
    expect((await botMessages(ws, message.conversationId, 2))[1].text).toBe(DEFAULT_REPLY);
  });
});
