/**
 * Ingestion throughput: a 200-page PDF (generated, bench/ingestion/pdf.ts) uploaded through the
 * GraphQL API of a real Parley (api + worker, real Postgres and Temporal) and timed from upload to
 * INDEXED (searchable: the retriever reads INDEXED revisions only). Three modes, each on a fresh
 * platform process so its peak RSS (VmHWM) is its own: full-text only (EMBEDDINGS=off, the
 * same-run baseline: extract + chunk + store, no vectors), the local all-MiniLM-L6-v2 model, and an
 * OpenAI-compatible embeddings endpoint (the tests' fake, answering at once: the platform's own cost).
 *
 *   node_modules/.bin/node --import tsx bench/ingestion/run.ts [--pages 200 --runs 2]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freshPostgres, freshTemporal, ROOT } from '../pipeline/lib/services';
import { spawnPlatform, gql } from '../pipeline/lib/platform';
import { startFakeEmbeddingsServer } from '../../test/support/fake-embeddings';
import { generatePdf } from './pdf';

const { values: args } = parseArgs({
  options: { pages: { type: 'string', default: '200' }, runs: { type: 'string', default: '2' }, port: { type: 'string', default: '55155' }, 'temporal-port': { type: 'string', default: '7155' } },
});
const PAGES = Number(args.pages);
const RUNS = Number(args.runs);
const log = (line: string) => console.log(`[bench:ingestion] ${line}`);

type Mode = 'fullTextOnly' | 'localModel' | 'endpoint';
interface Run {
  seconds: number;
  pagesPerSecond: number;
  chunks: number;
}

/** addDocument with the file, as the dashboard uploads it (GraphQL multipart request). */
async function uploadDocument(url: string, token: string, knowledgeBaseId: string, fileName: string, bytes: Buffer): Promise<{ data?: any; errors?: unknown[] }> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: 'mutation($i: AddDocumentInput!) { addDocument(input: $i) { id } }', variables: { i: { knowledgeBaseId, name: fileName, file: null } } }));
  form.append('map', JSON.stringify({ 0: ['variables.i.file'] }));
  form.append('0', new Blob([new Uint8Array(bytes)]), fileName);
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'x-graphql-yoga-csrf': '1', authorization: `Bearer ${token}` }, body: form });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

/** Peak resident memory of a process, MB (Linux /proc). */
function peakRssMb(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))!;
  return Math.round(Number(line.replace(/\D+/g, '')) / 1024);
}

async function main() {
  const pdf = generatePdf(PAGES);
  log(`PDF: ${PAGES} pages, ${(pdf.length / 1024).toFixed(0)} KiB`);
  const fake = await startFakeEmbeddingsServer();
  const postgres = await freshPostgres(Number(args.port), 'parley_bench_ingestion', log);
  const temporal = await freshTemporal('ingestion', Number(args['temporal-port']), log);
  const db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  const results: Record<string, { runs: Run[]; peakRssMb: number; embeddingModel: string | null }> = {};
  try {
    for (const mode of ['fullTextOnly', 'localModel', 'endpoint'] as Mode[]) {
      const platform = await spawnPlatform({ databaseUrl: postgres.url, temporalAddress: temporal.address, roles: 'api,worker', env: { LOG_LEVEL: 'error', EMBEDDINGS: mode === 'localModel' ? 'local' : 'off' } });
      try {
        const { signUp } = await gql(platform.url, `mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }`, {
          i: { email: `bench-ingest-${mode.toLowerCase()}-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Bench Owner', workspaceName: `Ingest ${mode}` },
        });
        const token = signUp.accessToken as string;
        if (mode === 'endpoint') {
          await gql(platform.url, `mutation($i: AiSettingsInput!) { updateAiSettings(input: $i) { enabled } }`, { i: { embeddings: { baseUrl: fake.baseUrl, model: 'bench-embed', apiKey: 'k', dimensions: 384 } } }, token);
        }
        const { createKnowledgeBase } = await gql(platform.url, `mutation { createKnowledgeBase(input: { name: "Bench" }) { id } }`, {}, token);
        const runs: Run[] = [];
        let embeddingModel: string | null = null;
        // The first run warms the process (the model's session, the bundle's first activities): not counted.
        for (let r = 0; r <= RUNS; r++) {
          const start = performance.now();
          const upload = await uploadDocument(platform.url, token, createKnowledgeBase.id, `manual-${r}.pdf`, pdf);
          if (upload.errors?.length) throw new Error(JSON.stringify(upload.errors));
          const id = upload.data.addDocument.id as string;
          let row: { status: string; error: string | null; chunk_count: number; embedding_model: string | null } | undefined;
          for (;;) {
            [row] = (await db.query('select status, error, chunk_count, embedding_model from documents where id = $1', [id])).rows;
            if (row?.status === 'INDEXED' || row?.status === 'FAILED') break;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          if (row!.status === 'FAILED') throw new Error(`${mode}: ingestion failed: ${row!.error}`);
          const seconds = (performance.now() - start) / 1000;
          embeddingModel = row!.embedding_model;
          log(`${mode}${r === 0 ? ' (warm-up)' : ''}: ${row!.chunk_count} chunks INDEXED in ${seconds.toFixed(2)} s (${(PAGES / seconds).toFixed(1)} pages/s)`);
          if (r > 0) runs.push({ seconds: Number(seconds.toFixed(2)), pagesPerSecond: Number((PAGES / seconds).toFixed(1)), chunks: row!.chunk_count });
        }
        results[mode] = { runs, peakRssMb: peakRssMb(platform.child.pid!), embeddingModel };
        log(`${mode}: peak RSS ${results[mode].peakRssMb} MB, vectors ${embeddingModel ?? 'none'}`);
      } finally {
        await platform.stop();
      }
    }
    const median = (runs: Run[]) => [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
    console.log(['', '| mode | chunks | upload → INDEXED | pages/s | peak RSS |', '|---|---|---|---|---|',
      ...Object.entries(results).map(([mode, r]) => `| ${mode} | ${median(r.runs).chunks} | ${median(r.runs).seconds} s | ${median(r.runs).pagesPerSecond} | ${r.peakRssMb} MB |`)].join('\n'));
    const out = path.join(ROOT, 'bench/results', `ingestion-${new Date().toISOString().slice(0, 10)}.json`);
    fs.writeFileSync(out, JSON.stringify({ pages: PAGES, pdfBytes: pdf.length, runs: RUNS, results }, null, 2));
    log(`results: ${path.relative(ROOT, out)}`);
  } finally {
    await db.end();
    await temporal.stop();
    await postgres.stop();
    await fake.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
