/**
 * The hybrid retriever on real Postgres and LanceDB, with an OpenAI-compatible embedder against a
 * wire-compatible fake endpoint: tenancy, knowledge-base filters, FAQs, live revisions only,
 * full-text only when embeddings are off, and the re-index list after a change of model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Orm } from '../../../schema/orm';
import { Chunk } from '../../../schema/entities/chunk.entity';
import { Document } from '../../../schema/entities/document.entity';
import { createOpenAiCompatibleEmbedder } from '../embedders/openai-compatible';
import { openLanceDbIndex } from '../vector-index/lancedb';
import { createRetriever, FAQ_DOCUMENT_NAME } from '../retrieve';
import { staleDocuments, staleFaqs } from '../stale-embeddings';
import type { Embedder, Retriever } from '../ports';
import { startFakeEmbeddingsServer } from '../../../test/support/fake-embeddings';
import { knowledgeTestOrm, seedKnowledgeBase, type SeededKnowledge } from '../../../test/support/knowledge-seed';

const PASSAGES = [
  { key: 'returns', document: 'Returns policy', text: 'Unused items can be returned within 30 days of delivery for a full refund.' },
  { key: 'shipping', document: 'Shipping', text: 'Express shipping costs 12 euros and arrives the next business day.' },
  { key: 'hours', document: 'Shops', text: 'Our shops open Monday to Saturday from 9 am to 7 pm.' },
];

let orm: Orm;
let fake: Awaited<ReturnType<typeof startFakeEmbeddingsServer>>;
let embedder: Embedder;
let lance: Awaited<ReturnType<typeof openLanceDbIndex>>;
let retriever: Retriever;
let mine: SeededKnowledge;
let mineOtherKb: SeededKnowledge;
let theirs: SeededKnowledge;
const lanceDir = mkdtempSync(path.join(os.tmpdir(), 'parley-retrieve-'));

beforeAll(async () => {
  orm = await knowledgeTestOrm();
  fake = await startFakeEmbeddingsServer();
  embedder = createOpenAiCompatibleEmbedder({ baseUrl: fake.baseUrl, model: 'fake-embed', apiKey: 'k', dimensions: 64 });
  lance = await openLanceDbIndex(lanceDir);
  retriever = createRetriever({ orm, vectorIndex: lance, defaultEmbedder: embedder });
  mine = await seedKnowledgeBase(orm, {
    passages: PASSAGES,
    faqs: [{ key: 'gift', question: 'Do gift cards expire?', answer: 'Gift cards are valid for 3 years.' }],
    embedder,
    vectorIndex: lance,
  });
  mineOtherKb = await seedKnowledgeBase(orm, {
    workspaceId: mine.workspaceId,
    passages: [{ key: 'rental', document: 'Rentals', text: 'Tents can be rented for 8 euros a day, deposit 100 euros.' }],
    embedder,
    vectorIndex: lance,
  });
  // Another tenant with the very same texts: never found from `mine`.
  theirs = await seedKnowledgeBase(orm, { passages: PASSAGES, embedder, vectorIndex: lance });
});
afterAll(async () => {
  await lance?.close();
  await fake?.close();
  await orm?.close();
  rmSync(lanceDir, { recursive: true, force: true });
});

const ask = (seeded: SeededKnowledge, text: string, extra: Partial<Parameters<Retriever['retrieve']>[0]> = {}) =>
  retriever.retrieve({ workspaceId: seeded.workspaceId, knowledgeBaseIds: [seeded.knowledgeBaseId], text, limit: 5, ...extra });

test('finds the passage, with its document name, fused from full-text and vectors', async () => {
  const calls = fake.calls.length;
  const [top] = await ask(mine, 'How many days do I have to return items for a refund?');
  expect(top).toMatchObject({ id: mine.chunkIds.get('returns'), kind: 'CHUNK', documentName: 'Returns policy', documentId: mine.documentIds.get('Returns policy'), knowledgeBaseId: mine.knowledgeBaseId });
  expect(top.text).toContain('within 30 days');
  // Found by both sides: two reciprocal-rank terms, each at most 1/61.
  expect(top.score).toBeGreaterThan(1 / 61);
  expect(fake.calls.length).toBe(calls + 1);
});

test("another workspace never retrieves this one's knowledge, even naming its knowledge base", async () => {
  const theirIds = new Set([...theirs.chunkIds.values()]);
  const found = await ask(mine, 'refund returned delivery express shipping shops');
  expect(found.length).toBeGreaterThan(0);
  expect(found.filter((p) => theirIds.has(p.id))).toEqual([]);
  const crossed = await retriever.retrieve({ workspaceId: theirs.workspaceId, knowledgeBaseIds: [mine.knowledgeBaseId], text: 'refund returned within 30 days', limit: 5 });
  expect(crossed).toEqual([]);
});

test('knowledge bases: the ones named, or every one of the workspace when none are', async () => {
  const named = await ask(mine, 'rent a tent deposit');
  expect(named.map((p) => p.id)).not.toContain(mineOtherKb.chunkIds.get('rental'));
  const all = await ask(mine, 'rent a tent deposit', { knowledgeBaseIds: null });
  expect(all[0]).toMatchObject({ id: mineOtherKb.chunkIds.get('rental'), documentName: 'Rentals' });
});

test('FAQs are retrievable like chunks', async () => {
  const [top] = await ask(mine, 'when do gift cards expire?');
  expect(top).toMatchObject({ id: mine.faqIds.get('gift'), kind: 'FAQ', documentName: FAQ_DOCUMENT_NAME, documentId: null });
  expect(top.text).toBe('Do gift cards expire?\nGift cards are valid for 3 years.');
});

test("only a document's live revision is retrieved, whichever side finds a newer chunk", async () => {
  const documentId = mine.documentIds.get('Shops')!;
  const em = orm.em.fork();
  const pending = em.create(Chunk, {
    id: randomUUID(), workspaceId: mine.workspaceId, knowledgeBaseId: mine.knowledgeBaseId, documentId, revision: 2, ordinal: 0,
    heading: null, text: 'Our shops open on Sunday from 10 am to 4 pm.', tokenCount: 11,
  });
  await em.flush();
  const [vector] = await embedder.embed([pending.text]);
  await lance.upsert(embedder.model, [{ id: pending.id, workspaceId: mine.workspaceId, knowledgeBaseId: mine.knowledgeBaseId, documentId, vector }]);
  const found = await ask(mine, 'shops open on Sunday');
  expect(found.map((p) => p.id)).not.toContain(pending.id);
  expect(found.map((p) => p.id)).toContain(mine.chunkIds.get('hours'));
});

test('with embeddings off it is full-text only and still answers', async () => {
  const offRetriever = createRetriever({ orm, vectorIndex: lance, defaultEmbedder: null });
  const calls = fake.calls.length;
  const [top] = await offRetriever.retrieve({ workspaceId: mine.workspaceId, knowledgeBaseIds: null, text: 'express shipping cost', limit: 5 });
  expect(top).toMatchObject({ id: mine.chunkIds.get('shipping'), documentName: 'Shipping' });
  expect(await ask(mine, 'express shipping cost', { embedder: null })).toEqual([expect.objectContaining({ id: mine.chunkIds.get('shipping') })]);
  expect(fake.calls.length).toBe(calls);
});

test('query syntax in a question is text, not an error; a question of stop words alone finds nothing by full-text', async () => {
  const found = await ask(mine, "refund!!! -- 'what' : & | ( ) <-> \\ ? *", { embedder: null });
  expect(found.map((p) => p.id)).toEqual([mine.chunkIds.get('returns')]);
  expect(await ask(mine, 'what is it', { embedder: null })).toEqual([]);
  expect(await ask(mine, '   ')).toEqual([]);
});

test('passages with two of the words rank first; with too few of them, passages with one fill the list', async () => {
  const many = await seedKnowledgeBase(orm, {
    passages: [
      ...Array.from({ length: 30 }, (_, i) => ({ key: `one-${i}`, document: 'Kayaks', text: `Kayak number ${i} is stored in hall ${i % 4}.` })),
      { key: 'two', document: 'Paddles', text: 'Every kayak comes with a paddle and a life vest.' },
    ],
  });
  const found = await retriever.retrieve({ workspaceId: many.workspaceId, knowledgeBaseIds: [many.knowledgeBaseId], text: 'Does the kayak come with a paddle?', limit: 5, embedder: null });
  expect(found).toHaveLength(5);
  expect(found[0]).toMatchObject({ id: many.chunkIds.get('two'), documentName: 'Paddles' });
  expect(found.slice(1).every((p) => p.documentName === 'Kayaks')).toBe(true);
});

test('after a change of model, the embedding activities find what to re-embed', async () => {
  const em = orm.em.fork();
  const stale = async (model: string) => ({
    documentIds: (await staleDocuments(em, { model, workspaceId: mine.workspaceId, limit: 100 })).map((d) => d.id).sort(),
    faqIds: (await staleFaqs(em, { model, workspaceId: mine.workspaceId, limit: 100 })).map((f) => f.id),
  });
  expect(await stale('fake-embed')).toEqual({ documentIds: [], faqIds: [] });
  const newModel = await stale('all-MiniLM-L6-v2');
  expect(newModel.documentIds).toEqual([...mine.documentIds.values(), ...mineOtherKb.documentIds.values()].sort());
  expect(newModel.faqIds).toEqual([mine.faqIds.get('gift')]);
  // A FAILED document is not re-indexed by a model change (its own retry is the owner's).
  await em.nativeUpdate(Document, { id: mine.documentIds.get('Shops') }, { status: 'FAILED' });
  expect((await stale('all-MiniLM-L6-v2')).documentIds).not.toContain(mine.documentIds.get('Shops'));
});
