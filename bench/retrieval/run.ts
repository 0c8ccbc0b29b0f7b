/**
 * Hybrid retrieval latency over 100k chunks: real tsvector rows in Postgres for the full-text
 * side, LanceDB on local disk with random unit vectors (384 wide, the local model's) for the
 * vector side, queried through the product's retriever. The query's embedding is a random
 * vector too (the model's own time is measured apart, on real text). Chunk words follow Zipf's law
 * over 20k pseudo-words; a query takes 8 of them outside the 100 most frequent ranks, which stand
 * in for the stop words the retriever leaves out of a real question. p50/p99 per mode, and the
 * same-run baseline: the full-text statement as it was before 2026-12-03 (every chunk that shares a
 * word with the question ranked), so a figure reads against the same machine's load.
 *
 *   npm run bench:retrieval [-- --chunks 100000 --queries 300]
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createOrm, migrate } from '../../schema/orm';
import { openLanceDbIndex } from '../../activities/knowledge/vector-index/lancedb';
import { createRetriever } from '../../activities/knowledge/retrieve';
import type { Embedder } from '../../activities/knowledge/ports';
import { DEFAULT_MODELS_DIR } from '../../activities/config';
import { createLocalMiniLmEmbedder, localMiniLmAvailable, localMiniLmDir, LOCAL_MINILM_DIMENSIONS } from '../../activities/knowledge/embedders/local-minilm';
import { BENCH_DATA, freshPostgres } from '../pipeline/lib/services';
import { summarize, type Summary } from '../pipeline/lib/load';

const { values: args } = parseArgs({
  options: { chunks: { type: 'string', default: '100000' }, queries: { type: 'string', default: '300' }, port: { type: 'string', default: '54359' } },
});
const CHUNKS = Number(args.chunks);
const QUERIES = Number(args.queries);
const CHUNKS_PER_DOCUMENT = 1000;
const WORDS_PER_CHUNK = 80;
const VOCABULARY = 20_000;
/** The most frequent ranks stand in for stop words: in chunks, never in a query (the retriever drops them). */
const STOP_WORD_RANKS = 100;
const LIMIT = 5;
const WARMUP = 20;
const MODEL = 'bench-random-384';
const log = (line: string) => console.log(`[bench:retrieval] ${line}`);

/** The retriever's full-text statement before 2026-12-03 (chunks only): ts_rank over every chunk with any of the words. */
const BASELINE_FULL_TEXT_SQL = `
with q as (select (select coalesce(string_agg(quote_literal(w), ' | '), '')::tsquery
                     from unnest(tsvector_to_array(to_tsvector('simple', ?))) as w
                    where ts_lexize('english_stem', w) <> '{}') as query)
select c.id, c.text, ts_rank(c.search, q.query) as rank
  from q, chunks c join documents d on d.id = c.document_id and d.indexed_revision = c.revision
 where c.workspace_id = ? and c.knowledge_base_id = any(?::uuid[]) and c.search @@ q.query
 order by rank desc limit ?`;

function randomUnit(dimensions: number): number[] {
  const v = Array.from({ length: dimensions }, () => Math.random() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Pseudo-words w0…w19999 with Zipf's law (s = 1) frequencies, as words have in real text. */
const ZIPF_CDF = (() => {
  const weights = Array.from({ length: VOCABULARY }, (_, r) => 1 / (r + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => (sum += w / total));
})();
function zipfRank(): number {
  const u = Math.random();
  let lo = 0;
  let hi = VOCABULARY - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF_CDF[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
const word = () => `w${zipfRank()}`;
function queryWord(): string {
  for (;;) {
    const rank = zipfRank();
    if (rank >= STOP_WORD_RANKS) return `w${rank}`;
  }
}

async function timed(n: number, run: (i: number) => Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await run(i);
    ms.push(performance.now() - start);
  }
  return summarize(ms);
}

async function main() {
  const pg = await freshPostgres(Number(args.port), 'parley_bench_retrieval', log);
  const orm = await createOrm(pg.url);
  const lanceDir = path.join(BENCH_DATA, 'retrieval-vectors');
  fs.rmSync(lanceDir, { recursive: true, force: true });
  const index = await openLanceDbIndex(lanceDir);
  try {
    await migrate(orm);
    const workspaceId = randomUUID();
    const knowledgeBaseId = randomUUID();
    const em = orm.em.fork();
    await em.execute(`insert into workspaces (id, name) values (?, 'bench')`, [workspaceId]);
    await em.execute(`insert into knowledge_bases (id, workspace_id, name) values (?, ?, 'bench')`, [knowledgeBaseId, workspaceId]);

    let start = performance.now();
    const documents = Math.ceil(CHUNKS / CHUNKS_PER_DOCUMENT);
    for (let d = 0; d < documents; d++) {
      const documentId = randomUUID();
      await em.execute(
        `insert into documents (id, workspace_id, knowledge_base_id, name, source, status, revision, indexed_revision, embedding_model)
         values (?, ?, ?, ?, 'TEXT', 'INDEXED', 1, 1, ?)`,
        [documentId, workspaceId, knowledgeBaseId, `Document ${d}`, MODEL],
      );
      const rows = Array.from({ length: Math.min(CHUNKS_PER_DOCUMENT, CHUNKS - d * CHUNKS_PER_DOCUMENT) }, (_, ordinal) => ({
        id: randomUUID(),
        ordinal,
        text: Array.from({ length: WORDS_PER_CHUNK }, word).join(' '),
      }));
      await em.execute(
        `insert into chunks (id, workspace_id, knowledge_base_id, document_id, revision, ordinal, text, token_count)
         select r.id, ?, ?, ?, 1, r.ordinal, r.text, ${WORDS_PER_CHUNK}
           from jsonb_to_recordset(?::jsonb) as r(id uuid, ordinal int, text text)`,
        [workspaceId, knowledgeBaseId, documentId, JSON.stringify(rows)],
      );
      await index.upsert(MODEL, rows.map((r) => ({ id: r.id, workspaceId, knowledgeBaseId, documentId, vector: randomUnit(LOCAL_MINILM_DIMENSIONS) })));
    }
    await em.execute('analyze chunks');
    const loaded = performance.now();
    await index.maintain(MODEL, LOCAL_MINILM_DIMENSIONS);
    log(`LanceDB compaction + IVF-PQ and filter indexes: ${((performance.now() - loaded) / 1000).toFixed(1)} s`);
    log(`loaded ${CHUNKS} chunks (Postgres tsvector + LanceDB ${LOCAL_MINILM_DIMENSIONS}-d) in ${((performance.now() - start) / 1000).toFixed(1)} s`);

    const queryVectors = Array.from({ length: QUERIES + WARMUP }, () => randomUnit(LOCAL_MINILM_DIMENSIONS));
    const queryTexts = Array.from({ length: QUERIES + WARMUP }, () => Array.from({ length: 8 }, queryWord).join(' '));
    let next = 0;
    const randomEmbedder: Embedder = { model: MODEL, dimensions: LOCAL_MINILM_DIMENSIONS, embed: async (texts) => texts.map(() => queryVectors[next++ % queryVectors.length]) };
    const retriever = createRetriever({ orm, vectorIndex: index, defaultEmbedder: randomEmbedder });
    const ask = (i: number, embedder?: Embedder | null) =>
      retriever.retrieve({ workspaceId, knowledgeBaseIds: [knowledgeBaseId], text: queryTexts[i % queryTexts.length], limit: LIMIT, embedder });

    start = performance.now();
    const results = {
      hybrid: await timed(QUERIES, (i) => ask(i)),
      fullTextOnly: await timed(QUERIES, (i) => ask(i, null)),
      fullTextBaseline: await timed(QUERIES, (i) => orm.em.fork().execute(BASELINE_FULL_TEXT_SQL, [queryTexts[i % queryTexts.length], workspaceId, `{${knowledgeBaseId}}`, 20])),
      vectorOnly: await timed(QUERIES, (i) => index.search(MODEL, { workspaceId, knowledgeBaseIds: [knowledgeBaseId], vector: queryVectors[i % queryVectors.length], limit: 20 })),
      localModelQueryEmbedding: null as Summary | null,
    };
    const modelDir = localMiniLmDir(process.env.PARLEY_MODELS_DIR ?? DEFAULT_MODELS_DIR);
    if (localMiniLmAvailable(modelDir)) {
      const local = createLocalMiniLmEmbedder(modelDir);
      results.localModelQueryEmbedding = await timed(Math.min(QUERIES, 100), (i) => local.embed([`How long does delivery take to Porto, question ${i}?`]));
      await local.close();
    }
    log(`measured in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    for (const [mode, s] of Object.entries(results)) if (s) log(`${mode.padEnd(26)} p50 ${s.p50} ms  p99 ${s.p99} ms  max ${s.max} ms  (n=${s.count})`);
    const out = path.join(import.meta.dirname, '../results', `retrieval-${new Date().toISOString().slice(0, 10)}.json`);
    fs.writeFileSync(out, JSON.stringify({ chunks: CHUNKS, queries: QUERIES, limit: LIMIT, results }, null, 2));
    log(`results: ${path.relative(process.cwd(), out)}`);
  } finally {
    await index.close();
    await orm.close();
    await pg.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
