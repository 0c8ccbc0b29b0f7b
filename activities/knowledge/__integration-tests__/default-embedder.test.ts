/**
 * The platform's default embedder turned on (EMBEDDINGS=off, then local after a restart): what the
 * workspaces on the default already had gets vectors of the local model without anyone touching it;
 * a workspace with its own embeddings endpoint keeps its own. Real Parley, Postgres, Temporal and
 * LanceDB; the endpoint is a wire-compatible fake.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWorkspace, gqlOk, query, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../../../test/support/platform';
import { ADD_DOCUMENT, createKnowledgeBase, lanceVectorIds, waitForDocument } from '../../../test/support/knowledge';
import { startFakeEmbeddingsServer } from '../../../test/support/fake-embeddings';
import { LOCAL_MINILM_DIMENSIONS, LOCAL_MINILM_MODEL } from '../embedders/local-minilm';

const ENDPOINT_MODEL = 'fake-embed';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-default-embedder-'));
const FAQ = `mutation($i: CreateFaqInput!) { createFaq(input: $i) { id embeddingModel } }`;
const SETTINGS = `mutation($i: AiSettingsInput!) { updateAiSettings(input: $i) { embeddings { model } } }`;

let platform: PlatformProcess;
let fake: Awaited<ReturnType<typeof startFakeEmbeddingsServer>>;
const knowledge: Record<'onDefault' | 'ownEndpoint', { workspace: TestWorkspace; documentId: string; faqId: string }> = {} as never;

const modelOf = async (table: 'documents' | 'faqs', id: string) =>
  (await query<{ embedding_model: string | null }>(platform.databaseUrl, `select embedding_model from ${table} where id = $1`, [id]))[0]?.embedding_model ?? null;
const chunkIds = async (documentId: string) => (await query<{ id: string }>(platform.databaseUrl, 'select id from chunks where document_id = $1 order by id', [documentId])).map((r) => r.id);

async function addKnowledge(workspace: TestWorkspace, text: string, question: string): Promise<{ workspace: TestWorkspace; documentId: string; faqId: string }> {
  const kb = await createKnowledgeBase(platform.url, workspace.token);
  const { addDocument } = await gqlOk(platform.url, ADD_DOCUMENT, { i: { knowledgeBaseId: kb, name: 'Policies', text } }, workspace.token);
  await waitForDocument(platform.databaseUrl, addDocument.id, ['INDEXED']);
  const { createFaq } = await gqlOk(platform.url, FAQ, { i: { knowledgeBaseId: kb, question, answer: 'Yes, within 30 days.' } }, workspace.token);
  return { workspace, documentId: addDocument.id, faqId: createFaq.id };
}

beforeAll(async () => {
  fake = await startFakeEmbeddingsServer();
  platform = await startPlatform({ env: { PARLEY_DATA_DIR: dataDir, EMBEDDINGS: 'off' } });
});
afterAll(async () => {
  await platform?.stop();
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('with the default embedder off, knowledge is indexed for full-text search only, and a workspace with its own endpoint embeds with it', async () => {
  knowledge.onDefault = await addKnowledge(await createWorkspace(platform.url), '# Returns\n\nShoes can be returned within 30 days.', 'Can I return shoes?');
  const own = await createWorkspace(platform.url);
  await gqlOk(platform.url, SETTINGS, { i: { embeddings: { baseUrl: fake.baseUrl, model: ENDPOINT_MODEL, apiKey: 'sk-embed', dimensions: 64 } } }, own.token);
  knowledge.ownEndpoint = await addKnowledge(own, '# Exchanges\n\nSizes can be exchanged in any store.', 'Can I exchange a size?');
  await waitFor('the endpoint workspace to be embedded', async () => (await modelOf('faqs', knowledge.ownEndpoint.faqId)) === ENDPOINT_MODEL, 60_000);

  expect(await modelOf('documents', knowledge.onDefault.documentId)).toBeNull();
  expect(await modelOf('faqs', knowledge.onDefault.faqId)).toBeNull();
  expect(await modelOf('documents', knowledge.ownEndpoint.documentId)).toBe(ENDPOINT_MODEL);
});

test('after a restart with the local model on, the workspace on the default gets vectors of it; the other keeps its endpoint', async () => {
  await platform.stop();
  platform = await startPlatform({ databaseUrl: platform.databaseUrl, env: { PARLEY_DATA_DIR: dataDir, EMBEDDINGS: 'local' } });
  const { documentId, faqId } = knowledge.onDefault;
  await waitFor('the default workspace to be re-embedded', async () => (await modelOf('documents', documentId)) === LOCAL_MINILM_MODEL && (await modelOf('faqs', faqId)) === LOCAL_MINILM_MODEL, 90_000);

  const ids = [...(await chunkIds(documentId)), faqId];
  expect(await lanceVectorIds(dataDir, LOCAL_MINILM_MODEL, LOCAL_MINILM_DIMENSIONS, ids)).toEqual(ids.sort());
  expect(await modelOf('documents', knowledge.ownEndpoint.documentId)).toBe(ENDPOINT_MODEL);
  expect(await modelOf('faqs', knowledge.ownEndpoint.faqId)).toBe(ENDPOINT_MODEL);
  const otherIds = [...(await chunkIds(knowledge.ownEndpoint.documentId)), knowledge.ownEndpoint.faqId];
  expect(await lanceVectorIds(dataDir, LOCAL_MINILM_MODEL, LOCAL_MINILM_DIMENSIONS, otherIds)).toEqual([]);
});
