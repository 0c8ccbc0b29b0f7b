/**
 * One contract for every VectorIndex adapter: LanceDB on a fresh directory always, Qdrant when
 * QDRANT_URL is set (otherwise its block is not registered, and the run says so).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { VectorIndex, VectorRecord } from '../ports';
import { LANCEDB_INDEX_MIN_ROWS, openLanceDbIndex, type LanceDbIndex } from '../vector-index/lancedb';
import { createQdrantIndex } from '../vector-index/qdrant';
import { vectorTableName } from '../vector-index/table-name';
import * as lancedb from '@lancedb/lancedb';

const DIMENSIONS = 8;

/** A unit vector pointing mostly along axis `axis`. */
function axisVector(axis: number, tilt = 0.1): number[] {
  const v = Array.from({ length: DIMENSIONS }, (_, i) => (i === axis ? 1 : tilt));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function contract(name: string, open: () => Promise<{ index: VectorIndex; close(): Promise<void> }>) {
  describe(`VectorIndex contract: ${name}`, () => {
    let index: VectorIndex;
    let close: () => Promise<void>;
    // A fresh model name per run: a table/collection of its own, whatever earlier runs left.
    const model = `contract-model-${randomUUID().slice(0, 8)}`;
    const ws = randomUUID();
    const otherWs = randomUUID();
    const kbA = randomUUID();
    const kbB = randomUUID();
    const docA = randomUUID();
    const docB = randomUUID();
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const faqId = randomUUID();
    const foreignId = randomUUID();

    beforeAll(async () => {
      ({ index, close } = await open());
      const records: VectorRecord[] = [
        { id: ids[0], workspaceId: ws, knowledgeBaseId: kbA, documentId: docA, vector: axisVector(0) },
        { id: ids[1], workspaceId: ws, knowledgeBaseId: kbA, documentId: docA, vector: axisVector(1) },
        { id: ids[2], workspaceId: ws, knowledgeBaseId: kbA, documentId: docB, vector: axisVector(2) },
        { id: ids[3], workspaceId: ws, knowledgeBaseId: kbB, documentId: docB, vector: axisVector(0, 0.2) },
        { id: faqId, workspaceId: ws, knowledgeBaseId: kbA, documentId: null, vector: axisVector(3) },
        // Another tenant's vector right on the query: it must never come back.
        { id: foreignId, workspaceId: otherWs, knowledgeBaseId: kbA, documentId: docA, vector: axisVector(0, 0) },
      ];
      await index.upsert(model, records);
    });
    afterAll(() => close());

    test('nearest first, with cosine similarity as the score', async () => {
      const hits = await index.search(model, { workspaceId: ws, knowledgeBaseIds: [kbA, kbB], vector: axisVector(0, 0), limit: 3 });
      expect(hits.map((h) => h.id)).toEqual([ids[0], ids[3], expect.any(String)]);
      expect(hits[0].score).toBeCloseTo(1 / Math.hypot(1, ...Array(DIMENSIONS - 1).fill(0.1)), 4);
      expect(hits[0].score).toBeGreaterThan(hits[1].score);
    });

    test('filtered by workspace and by knowledge base', async () => {
      const onlyA = await index.search(model, { workspaceId: ws, knowledgeBaseIds: [kbA], vector: axisVector(0, 0), limit: 10 });
      expect(onlyA.map((h) => h.id).sort()).toEqual([ids[0], ids[1], ids[2], faqId].sort());
      const other = await index.search(model, { workspaceId: otherWs, knowledgeBaseIds: [kbA, kbB], vector: axisVector(0, 0), limit: 10 });
      expect(other.map((h) => h.id)).toEqual([foreignId]);
      expect(await index.search(model, { workspaceId: ws, knowledgeBaseIds: [], vector: axisVector(0), limit: 10 })).toEqual([]);
    });

    test('filter values are escaped: a quote in an id matches nothing and breaks nothing', async () => {
      const hits = await index.search(model, { workspaceId: `${ws}' OR '1'='1`, knowledgeBaseIds: [`${kbA}') OR ('1'='1`], vector: axisVector(0), limit: 10 });
      expect(hits).toEqual([]);
    });

    test('upsert replaces a vector of the same id', async () => {
      await index.upsert(model, [{ id: ids[1], workspaceId: ws, knowledgeBaseId: kbA, documentId: docA, vector: axisVector(5, 0) }]);
      const [top] = await index.search(model, { workspaceId: ws, knowledgeBaseIds: [kbA], vector: axisVector(5, 0), limit: 1 });
      expect(top).toEqual({ id: ids[1], score: expect.closeTo(1, 4) });
      const all = await index.search(model, { workspaceId: ws, knowledgeBaseIds: [kbA, kbB], vector: axisVector(5, 0), limit: 20 });
      expect(all.filter((h) => h.id === ids[1])).toHaveLength(1);
    });

    test('models never mix: another model has its own vectors', async () => {
      const hits = await index.search(`${model}-other`, { workspaceId: ws, knowledgeBaseIds: [kbA, kbB], vector: axisVector(0), limit: 10 });
      expect(hits).toEqual([]);
    });

    test("delete by document removes that document's vectors in that workspace only", async () => {
      await index.delete(model, { workspaceId: ws, documentId: docA });
      const left = await index.search(model, { workspaceId: ws, knowledgeBaseIds: [kbA, kbB], vector: axisVector(0), limit: 10 });
      expect(left.map((h) => h.id).sort()).toEqual([ids[2], ids[3], faqId].sort());
      const foreign = await index.search(model, { workspaceId: otherWs, knowledgeBaseIds: [kbA], vector: axisVector(0), limit: 10 });
      expect(foreign.map((h) => h.id)).toEqual([foreignId]);
    });

    test('delete by ids (a FAQ) removes those only', async () => {
      await index.delete(model, { workspaceId: ws, ids: [faqId] });
      const left = await index.search(model, { workspaceId: ws, knowledgeBaseIds: [kbA, kbB], vector: axisVector(3), limit: 10 });
      expect(left.map((h) => h.id).sort()).toEqual([ids[2], ids[3]].sort());
    });

    test('one model at two widths: a delete of the other widths spares this one, a plain delete takes both', async () => {
      const wide = `${model}-widths`;
      const narrow = (v: number[]) => v.slice(0, DIMENSIONS / 2).map((x, _, all) => x / Math.hypot(...all));
      const [doc, chunk] = [randomUUID(), randomUUID()];
      await index.upsert(wide, [{ id: chunk, workspaceId: ws, knowledgeBaseId: kbA, documentId: doc, vector: axisVector(0) }]);
      await index.upsert(wide, [{ id: chunk, workspaceId: ws, knowledgeBaseId: kbA, documentId: doc, vector: narrow(axisVector(0)) }]);
      const found = async (vector: number[]) => (await index.search(wide, { workspaceId: ws, knowledgeBaseIds: [kbA], vector, limit: 5 })).map((h) => h.id);

      await index.delete(wide, { workspaceId: ws, documentId: doc, otherWidthsThan: DIMENSIONS / 2 });
      expect(await found(axisVector(0))).toEqual([]);
      expect(await found(narrow(axisVector(0)))).toEqual([chunk]);

      await index.upsert(wide, [{ id: chunk, workspaceId: ws, knowledgeBaseId: kbA, documentId: doc, vector: axisVector(0) }]);
      await index.delete(wide, { workspaceId: ws, ids: [chunk] });
      expect(await found(axisVector(0))).toEqual([]);
      expect(await found(narrow(axisVector(0)))).toEqual([]);
    });

    test('a delete without a document or ids is refused rather than emptying a workspace', async () => {
      await expect(index.delete(model, { workspaceId: ws })).rejects.toThrow(/needs a documentId or ids/);
    });
  });
}

const lanceDir = mkdtempSync(path.join(os.tmpdir(), 'parley-lancedb-'));
afterAll(() => rmSync(lanceDir, { recursive: true, force: true }));
contract('LanceDB', async () => {
  const index = await openLanceDbIndex(lanceDir);
  return { index, close: () => index.close() };
});

if (process.env.QDRANT_URL) {
  contract('Qdrant', async () => ({ index: createQdrantIndex({ url: process.env.QDRANT_URL!, apiKey: process.env.QDRANT_API_KEY || null }), close: async () => {} }));
} else {
  console.log('VectorIndex contract: Qdrant block not registered (QDRANT_URL is not set); only LanceDB ran.');
}

describe('LanceDB once indexed (IVF-PQ from LANCEDB_INDEX_MIN_ROWS rows on)', () => {
  const WIDTH = 32;
  const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
  const random = () => unit(Array.from({ length: WIDTH }, () => Math.random() * 2 - 1));
  let index: LanceDbIndex;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-lancedb-indexed-'));
  afterAll(async () => {
    await index?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('still filtered by workspace and knowledge base, and still finds the exact match first', async () => {
    index = await openLanceDbIndex(dir);
    const [ws, other, kb, kbOther] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const records: VectorRecord[] = Array.from({ length: LANCEDB_INDEX_MIN_ROWS }, (_, i) => ({
      id: randomUUID(), workspaceId: i % 2 ? ws : other, knowledgeBaseId: i % 4 < 2 ? kb : kbOther, documentId: randomUUID(), vector: random(),
    }));
    await index.upsert('indexed-model', records);
    await index.maintain('indexed-model', WIDTH);
    const db = await lancedb.connect(dir);
    const indexes = await (await db.openTable(vectorTableName('indexed-model', WIDTH))).listIndices();
    expect(indexes.map((i) => i.columns[0]).sort()).toEqual(['document_id', 'knowledge_base_id', 'vector', 'workspace_id']);
    db.close();
    const target = records.find((r) => r.workspaceId === ws && r.knowledgeBaseId === kb)!;
    const hits = await index.search('indexed-model', { workspaceId: ws, knowledgeBaseIds: [kb], vector: target.vector, limit: 10 });
    expect(hits[0]).toEqual({ id: target.id, score: expect.closeTo(1, 2) });
    const allowed = new Set(records.filter((r) => r.workspaceId === ws && r.knowledgeBaseId === kb).map((r) => r.id));
    expect(hits.every((h) => allowed.has(h.id))).toBe(true);
    // Another tenant's vector is not found even when it is the query itself.
    const foreign = records.find((r) => r.workspaceId === other)!;
    const crossed = await index.search('indexed-model', { workspaceId: ws, knowledgeBaseIds: [kb, kbOther], vector: foreign.vector, limit: 10 });
    expect(crossed.map((h) => h.id)).not.toContain(foreign.id);
  });
});
