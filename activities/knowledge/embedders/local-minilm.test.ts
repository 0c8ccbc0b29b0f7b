/**
 * The local model (built by scripts/embedding-model.sh, which the bootstrap runs) reproduces
 * all-MiniLM-L6-v2's published similarities: the sentence-transformers quick start's example.
 */
import { DEFAULT_MODELS_DIR } from '../../config';
import { createLocalMiniLmEmbedder, localMiniLmAvailable, localMiniLmDir, LOCAL_MINILM_BATCH, type ClosableEmbedder } from './local-minilm';

const modelDir = localMiniLmDir(process.env.PARLEY_MODELS_DIR ?? DEFAULT_MODELS_DIR);
let embedder: ClosableEmbedder;

beforeAll(() => {
  if (!localMiniLmAvailable(modelDir)) throw new Error(`the local model is not built in ${modelDir}: run scripts/embedding-model.sh`);
  embedder = createLocalMiniLmEmbedder(modelDir);
});
afterAll(() => embedder.close());

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i], 0);

test('published similarities: sentence-transformers quick start (all-MiniLM-L6-v2)', async () => {
  const [weather, sunny, stadium] = await embedder.embed(['The weather is lovely today.', "It's so sunny outside!", 'He drove to the stadium.']);
  expect(weather).toHaveLength(384);
  // model.similarity(embeddings, embeddings) → [[1, 0.6660, 0.1046], [0.6660, 1, 0.1411], [0.1046, 0.1411, 1]]
  expect(cosine(weather, weather)).toBeCloseTo(1, 4);
  expect(cosine(weather, sunny)).toBeCloseTo(0.666, 3);
  expect(cosine(weather, stadium)).toBeCloseTo(0.1046, 3);
  expect(cosine(sunny, stadium)).toBeCloseTo(0.1411, 3);
});

test('a text embeds the same alone and inside a padded batch larger than one ONNX run', async () => {
  const texts = Array.from({ length: LOCAL_MINILM_BATCH + 5 }, (_, i) => `Order number ${i} ships ${'very '.repeat(i % 7)}soon.`);
  const batch = await embedder.embed(texts);
  expect(batch).toHaveLength(texts.length);
  const [alone] = await embedder.embed([texts[LOCAL_MINILM_BATCH + 2]]);
  expect(cosine(alone, batch[LOCAL_MINILM_BATCH + 2])).toBeCloseTo(1, 5);
});

test('a text longer than the model reads is truncated, not refused', async () => {
  const [long] = await embedder.embed(['refund policy '.repeat(400)]);
  expect(Math.hypot(...long)).toBeCloseTo(1, 4);
});
