/**
 * FAQs get vectors, and a change of the workspace's embedding model re-embeds its knowledge, on a
 * real Parley (api, worker), Postgres, Temporal and LanceDB: the platform's default (the local
 * all-MiniLM-L6-v2 model) first, then the workspace's own OpenAI-compatible endpoint (a
 * wire-compatible fake). Vectors are read back from the platform's LanceDB directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createWorkspace, gqlOk, query, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../../../test/support/platform';
import { TEST_TEMPORAL_ADDRESS, testDataConverter } from '../../../test/support/services-env';
import { ADD_DOCUMENT, createKnowledgeBase, lanceVectorIds, waitForDocument } from '../../../test/support/knowledge';
import { startFakeEmbeddingsServer } from '../../../test/support/fake-embeddings';
import { LOCAL_MINILM_DIMENSIONS, LOCAL_MINILM_MODEL } from '../embedders/local-minilm';
import { documentIngestionWorkflowId, workspaceEmbeddingsWorkflowId } from '../../../workflows/ids';
import { recordHistories } from '../../../workflows/__fixtures__/record-histories';

const ENDPOINT_MODEL = 'fake-embed';
const ENDPOINT_DIMENSIONS = 64;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-embeddings-'));

let platform: PlatformProcess;
let fake: Awaited<ReturnType<typeof startFakeEmbeddingsServer>>;
let temporal: Client;
let connection: Connection;
let shop: TestWorkspace;
let kb: string;

beforeAll(async () => {
  fake = await startFakeEmbeddingsServer();
  platform = await startPlatform({ env: { PARLEY_DATA_DIR: dataDir } });
  connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  temporal = new Client({ connection, dataConverter: testDataConverter() });
  shop = await createWorkspace(platform.url);
  kb = await createKnowledgeBase(platform.url, shop.token);
});
afterAll(async () => {
  if (process.env.RECORD_HISTORIES) await recordHistories(temporal, 'embeddings', 'workspaceEmbeddingsWorkflow');
  if (process.env.RECORD_HISTORIES && restartedIngestion) await recordHistories(temporal, 'ingestion-width-restart', 'documentIngestionWorkflow', [restartedIngestion]);
  await connection?.close();
  await platform?.stop();
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const vectorIds = (model: string, dimensions: number, ids: string[]) => lanceVectorIds(dataDir, model, dimensions, ids);

const faqModel = async (id: string) => (await query<{ embedding_model: string | null }>(platform.databaseUrl, 'select embedding_model from faqs where id = $1', [id]))[0]?.embedding_model;
const documentModel = async (id: string) => (await query<{ embedding_model: string | null }>(platform.databaseUrl, 'select embedding_model from documents where id = $1', [id]))[0]?.embedding_model;
const chunkIds = async (documentId: string) => (await query<{ id: string }>(platform.databaseUrl, 'select id from chunks where document_id = $1 order by id', [documentId])).map((r) => r.id);
const embeddedTexts = () => fake.calls.flatMap((c) => c.inputs);

const FAQ = `mutation($i: CreateFaqInput!) { createFaq(input: $i) { id embeddingModel } }`;
const SETTINGS = `mutation($i: AiSettingsInput!) { updateAiSettings(input: $i) { embeddings { model } } }`;

let documentId: string;
let faqId: string;
/** The ingestion whose embedding started over at a new width (recorded for the replay test). */
let restartedIngestion: string | undefined;

test('a new FAQ gets a vector of the default model, like a document', async () => {
  const { addDocument } = await gqlOk(platform.url, ADD_DOCUMENT, { i: { knowledgeBaseId: kb, name: 'Delivery', text: '# Delivery\n\nParcels to Porto take four working days.' } }, shop.token);
  documentId = addDocument.id;
  await waitForDocument(platform.databaseUrl, documentId, ['INDEXED']);
  expect(await documentModel(documentId)).toBe(LOCAL_MINILM_MODEL);

  const { createFaq } = await gqlOk(platform.url, FAQ, { i: { knowledgeBaseId: kb, question: 'Do gift cards expire?', answer: 'Gift cards are valid for three years.' } }, shop.token);
  faqId = createFaq.id;
  expect(createFaq.embeddingModel).toBeNull();
  await waitFor('the FAQ to be embedded', async () => (await faqModel(faqId)) === LOCAL_MINILM_MODEL, 60_000);
  expect(await vectorIds(LOCAL_MINILM_MODEL, LOCAL_MINILM_DIMENSIONS, [faqId])).toEqual([faqId]);
  const { knowledgeBase } = await gqlOk(platform.url, `query($id: ID!) { knowledgeBase(id: $id) { faqs { id embeddingModel } } }`, { id: kb }, shop.token);
  expect(knowledgeBase.faqs).toEqual([{ id: faqId, embeddingModel: LOCAL_MINILM_MODEL }]);
});

test("a change of the workspace's embedding model re-embeds its documents and FAQs by a durable workflow, and drops the old vectors", async () => {
  const chunks = await chunkIds(documentId);
  expect(await vectorIds(LOCAL_MINILM_MODEL, LOCAL_MINILM_DIMENSIONS, chunks)).toEqual(chunks);

  await gqlOk(platform.url, SETTINGS, { i: { embeddings: { baseUrl: fake.baseUrl, model: ENDPOINT_MODEL, apiKey: 'sk-embed', dimensions: ENDPOINT_DIMENSIONS } } }, shop.token);
  await waitFor('the document and the FAQ to be re-embedded', async () => (await documentModel(documentId)) === ENDPOINT_MODEL && (await faqModel(faqId)) === ENDPOINT_MODEL, 60_000);

  expect(embeddedTexts()).toEqual(expect.arrayContaining(['Delivery\nParcels to Porto take four working days.', 'Do gift cards expire?\nGift cards are valid for three years.']));
  expect(fake.calls.every((c) => c.model === ENDPOINT_MODEL && c.authorization === 'Bearer sk-embed')).toBe(true);
  expect(await vectorIds(ENDPOINT_MODEL, ENDPOINT_DIMENSIONS, [...chunks, faqId])).toEqual([...chunks, faqId].sort());
  expect(await vectorIds(LOCAL_MINILM_MODEL, LOCAL_MINILM_DIMENSIONS, [...chunks, faqId])).toEqual([]);
  // The same chunks, re-embedded: not re-extracted as a new revision.
  expect(await chunkIds(documentId)).toEqual(chunks);
  expect(await waitForDocument(platform.databaseUrl, documentId, ['INDEXED'])).toMatchObject({ revision: 1, indexed_revision: 1 });

  const run = await temporal.workflow.getHandle(workspaceEmbeddingsWorkflowId(shop.workspaceId)).describe();
  expect(run.type).toBe('workspaceEmbeddingsWorkflow');
  await waitFor('the embeddings workflow to end', async () => (await temporal.workflow.getHandle(workspaceEmbeddingsWorkflowId(shop.workspaceId)).describe()).status.name === 'COMPLETED');
});

test("a document added afterwards is embedded with the workspace's endpoint; an edited FAQ gets a new vector; a deleted one loses it", async () => {
  const { addDocument } = await gqlOk(platform.url, ADD_DOCUMENT, { i: { knowledgeBaseId: kb, name: 'Rentals', text: 'Tents can be rented for 8 euros a day.' } }, shop.token);
  await waitForDocument(platform.databaseUrl, addDocument.id, ['INDEXED']);
  expect(await documentModel(addDocument.id)).toBe(ENDPOINT_MODEL);
  expect(embeddedTexts()).toContain('Tents can be rented for 8 euros a day.');

  const { updateFaq } = await gqlOk(platform.url, `mutation($id: ID!, $i: UpdateFaqInput!) { updateFaq(id: $id, input: $i) { embeddingModel } }`, { id: faqId, i: { answer: 'Gift cards are valid for five years.' } }, shop.token);
  expect(updateFaq.embeddingModel).toBeNull();
  await waitFor('the edited FAQ to be embedded', async () => (await faqModel(faqId)) === ENDPOINT_MODEL, 60_000);
  expect(embeddedTexts()).toContain('Do gift cards expire?\nGift cards are valid for five years.');

  await gqlOk(platform.url, `mutation($id: ID!) { deleteFaq(id: $id) }`, { id: faqId }, shop.token);
  await waitFor("the deleted FAQ's vector to go", async () => (await vectorIds(ENDPOINT_MODEL, ENDPOINT_DIMENSIONS, [faqId])).length === 0, 60_000);
});

test("another workspace's FAQs are not embedded by this one's endpoint; deleting their knowledge base removes their vectors", async () => {
  const other = await createWorkspace(platform.url);
  const otherKb = await createKnowledgeBase(platform.url, other.token);
  const { createFaq } = await gqlOk(platform.url, FAQ, { i: { knowledgeBaseId: otherKb, question: 'Can I pay by invoice?', answer: 'Invoices are for business customers.' } }, other.token);
  await waitFor('their FAQ to be embedded', async () => (await faqModel(createFaq.id)) === LOCAL_MINILM_MODEL, 60_000);
  expect(embeddedTexts()).not.toContain('Can I pay by invoice?\nInvoices are for business customers.');
  expect(await vectorIds(LOCAL_MINILM_MODEL, LOCAL_MINILM_DIMENSIONS, [createFaq.id])).toEqual([createFaq.id]);

  await gqlOk(platform.url, `mutation($id: ID!) { deleteKnowledgeBase(id: $id) }`, { id: otherKb }, other.token);
  await waitFor("a deleted knowledge base's FAQ vectors to go", async () => (await vectorIds(LOCAL_MINILM_MODEL, LOCAL_MINILM_DIMENSIONS, [createFaq.id])).length === 0, 60_000);
});

test('the same model at another width re-embeds the documents and FAQs at that width', async () => {
  const { createFaq } = await gqlOk(platform.url, FAQ, { i: { knowledgeBaseId: kb, question: 'Do you deliver on Sundays?', answer: 'No, Monday to Saturday only.' } }, shop.token);
  await waitFor('the FAQ to be embedded', async () => (await faqModel(createFaq.id)) === ENDPOINT_MODEL, 60_000);
  const chunks = await chunkIds(documentId);
  const narrower = ENDPOINT_DIMENSIONS / 2;

  await gqlOk(platform.url, SETTINGS, { i: { embeddings: { baseUrl: fake.baseUrl, model: ENDPOINT_MODEL, apiKey: 'sk-embed', dimensions: narrower } } }, shop.token);
  // Vectors are written before the rows are marked with their model: both are waited for.
  await waitFor(
    'the document and the FAQ to have vectors of the new width',
    async () =>
      (await vectorIds(ENDPOINT_MODEL, narrower, [...chunks, createFaq.id])).length === chunks.length + 1 &&
      (await documentModel(documentId)) === ENDPOINT_MODEL &&
      (await faqModel(createFaq.id)) === ENDPOINT_MODEL,
    60_000,
  );
  expect(await documentModel(documentId)).toBe(ENDPOINT_MODEL);
  expect(await faqModel(createFaq.id)).toBe(ENDPOINT_MODEL);
  const atNewWidth = fake.calls.filter((c) => c.dimensions === narrower).flatMap((c) => c.inputs);
  expect(atNewWidth).toEqual(expect.arrayContaining(['Delivery\nParcels to Porto take four working days.', 'Do you deliver on Sundays?\nNo, Monday to Saturday only.']));
  // The old width's vectors go once the new ones are in (a search of the new width would never read them).
  await waitFor('the old width to hold none of their vectors', async () => (await vectorIds(ENDPOINT_MODEL, ENDPOINT_DIMENSIONS, [...chunks, createFaq.id])).length === 0, 60_000);
});

test('a width change while a document is being embedded starts its embedding over: it ends with every vector at the new width', async () => {
  // 70 sections, 70 chunks: two batches, the first of which is held while the width changes.
  const sections = Array.from({ length: 70 }, (_, i) => `# Branch ${i}\n\nBranch ${i} opens at ${i % 12 + 7} in the morning.`);
  const before = ENDPOINT_DIMENSIONS / 2;
  const after = ENDPOINT_DIMENSIONS / 4;
  const held = fake.holdNext((call) => call.inputs.some((text) => text.startsWith('Branch 0\n')));
  const { addDocument } = await gqlOk(platform.url, ADD_DOCUMENT, { i: { knowledgeBaseId: kb, name: 'Branches', text: sections.join('\n\n') } }, shop.token);
  expect((await held.arrived).dimensions).toBe(before);
  await gqlOk(platform.url, SETTINGS, { i: { embeddings: { baseUrl: fake.baseUrl, model: ENDPOINT_MODEL, apiKey: 'sk-embed', dimensions: after } } }, shop.token);
  held.release();

  await waitForDocument(platform.databaseUrl, addDocument.id, ['INDEXED']);
  restartedIngestion = documentIngestionWorkflowId(addDocument.id, 1);
  const chunks = await chunkIds(addDocument.id);
  expect(chunks).toHaveLength(70);
  expect(await documentModel(addDocument.id)).toBe(ENDPOINT_MODEL);
  expect(await vectorIds(ENDPOINT_MODEL, after, chunks)).toEqual(chunks);
  expect(await vectorIds(ENDPOINT_MODEL, before, chunks)).toEqual([]);
});
