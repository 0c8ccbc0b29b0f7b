/** The OpenAI-compatible embedder over HTTP against a wire-compatible fake endpoint, with the real `openai` SDK. */
import { startFakeEmbeddingsServer, hashedVector } from '../../../test/support/fake-embeddings';
import { createOpenAiCompatibleEmbedder, OPENAI_EMBEDDINGS_BATCH } from './openai-compatible';

let fake: Awaited<ReturnType<typeof startFakeEmbeddingsServer>>;
beforeAll(async () => {
  fake = await startFakeEmbeddingsServer();
});
afterAll(() => fake.close());
beforeEach(() => fake.calls.splice(0));

test('embeds in order, in batches, with the model, width and key configured', async () => {
  const embedder = createOpenAiCompatibleEmbedder({ baseUrl: fake.baseUrl, model: 'text-embedding-3-small', apiKey: 'sk-test', dimensions: 128 });
  const texts = Array.from({ length: OPENAI_EMBEDDINGS_BATCH + 3 }, (_, i) => `passage ${i} about deliveries`);
  const vectors = await embedder.embed(texts);
  expect(vectors).toHaveLength(texts.length);
  expect(vectors[OPENAI_EMBEDDINGS_BATCH + 1]).toEqual(hashedVector(texts[OPENAI_EMBEDDINGS_BATCH + 1], 128).map((x) => expect.closeTo(x, 6)));
  expect(fake.calls.map((c) => c.inputs.length)).toEqual([OPENAI_EMBEDDINGS_BATCH, 3]);
  expect(fake.calls[0]).toMatchObject({ model: 'text-embedding-3-small', dimensions: 128, authorization: 'Bearer sk-test' });
  expect(embedder).toMatchObject({ model: 'text-embedding-3-small', dimensions: 128 });
});

test('a passing outage is retried by the SDK', async () => {
  const embedder = createOpenAiCompatibleEmbedder({ baseUrl: fake.baseUrl, model: 'm', apiKey: null, dimensions: 64 });
  fake.failNext(1);
  const [vector] = await embedder.embed(['hello']);
  expect(vector).toHaveLength(64);
  expect(fake.calls).toHaveLength(2);
});

test('an endpoint that answers another width than configured is an error that says so', async () => {
  const fixed = await startFakeEmbeddingsServer({ fixedDimensions: 32 });
  try {
    const embedder = createOpenAiCompatibleEmbedder({ baseUrl: fixed.baseUrl, model: 'm', apiKey: null, dimensions: 64 });
    await expect(embedder.embed(['hello'])).rejects.toThrow('embeddings endpoint returned 32 dimensions, configured 64');
  } finally {
    await fixed.close();
  }
});
