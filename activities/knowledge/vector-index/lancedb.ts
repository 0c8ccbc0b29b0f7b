/**
 * The embedded VectorIndex: LanceDB on local disk under <dataDir>/vectors, a table per embedding
 * model and width, so vectors of two models never meet in one search.
 */
import * as lancedb from '@lancedb/lancedb';
import { Field, FixedSizeList, Float32, Schema, Utf8 } from 'apache-arrow';
import type { VectorIndex, VectorRecord } from '../ports';
import { modelTables, vectorTableName } from './table-name';

/** LanceDB's cosine distance is 1 − cosine similarity; the port's score is the similarity. */
const DISTANCE = 'cosine' as const;
/**
 * How stale a search may be, in seconds, when another process (the worker, beside an api role)
 * wrote the table: a just-indexed document is found within this. Local disk: the check is cheap.
 */
const READ_CONSISTENCY_SECONDS = 1;
/**
 * Below this many rows a search is exact (brute force takes a few ms); from it on the table gets
 * an IVF-PQ vector index and scalar indexes on the filtered columns, or a search over 100k
 * vectors scans ~150 MB (bench/retrieval).
 */
export const LANCEDB_INDEX_MIN_ROWS = 10_000;
/** Every upsert adds a fragment and a version: compact (and fold new rows into the index) this often. */
const MAINTAIN_EVERY_WRITES = 20;
/** Candidates the IVF-PQ search re-ranks with the full vectors, per result: PQ distances are coarse. */
const REFINE_FACTOR = 10;

/** A SQL string literal for LanceDB's filter syntax (DataFusion): quotes doubled. */
export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function schemaOf(dimensions: number): Schema {
  return new Schema([
    new Field('id', new Utf8(), false),
    new Field('workspace_id', new Utf8(), false),
    new Field('knowledge_base_id', new Utf8(), false),
    new Field('document_id', new Utf8(), true),
    new Field('vector', new FixedSizeList(dimensions, new Field('item', new Float32(), true)), false),
  ]);
}

/** A LanceDB VectorIndex; maintain() compacts and indexes now (otherwise upserts schedule it). */
export interface LanceDbIndex extends VectorIndex {
  maintain(model: string, dimensions: number): Promise<void>;
  close(): Promise<void>;
}

/** Compacts the table, then, once it is large enough, gives it its vector and filter indexes. */
async function maintainTable(t: lancedb.Table): Promise<void> {
  await t.optimize();
  const indexed = new Set((await t.listIndices()).flatMap((i) => i.columns));
  if ((await t.countRows()) < LANCEDB_INDEX_MIN_ROWS) return;
  for (const column of ['workspace_id', 'knowledge_base_id', 'document_id']) {
    if (!indexed.has(column)) await t.createIndex(column, { config: lancedb.Index.btree() });
  }
  if (!indexed.has('vector')) await t.createIndex('vector', { config: lancedb.Index.ivfPq({ distanceType: DISTANCE }) });
}

/** A VectorIndex on a LanceDB directory; close() waits for maintenance and releases it. */
export async function openLanceDbIndex(directory: string): Promise<LanceDbIndex> {
  const db = await lancedb.connect(directory, { readConsistencyInterval: READ_CONSISTENCY_SECONDS });
  // One open per table and process: concurrent activities share it instead of racing to create it.
  const tables = new Map<string, Promise<lancedb.Table>>();
  // Maintenance per table, one at a time, off the upsert's path.
  const maintenance = new Map<string, { writes: number; running: Promise<void> }>();
  const scheduleMaintenance = (name: string, t: lancedb.Table, force: boolean): Promise<void> => {
    const state = maintenance.get(name) ?? { writes: 0, running: Promise.resolve() };
    maintenance.set(name, state);
    state.writes++;
    if (!force && state.writes < MAINTAIN_EVERY_WRITES) return state.running;
    state.writes = 0;
    state.running = state.running.then(() => maintainTable(t)).catch((error) => console.warn(`vectors: maintenance of ${name} failed`, error));
    return state.running;
  };

  // Every read and write of a table goes through this one handle: a second handle would not see
  // the first one's writes (LanceDB reads a table at the version its handle last saw).
  const cached = (name: string, open: () => Promise<lancedb.Table>): Promise<lancedb.Table> => {
    let opened = tables.get(name);
    if (!opened) {
      opened = open();
      opened.catch(() => tables.delete(name));
      tables.set(name, opened);
    }
    return opened;
  };
  const table = (model: string, dimensions: number): Promise<lancedb.Table> => {
    const name = vectorTableName(model, dimensions);
    return cached(name, () => db.createEmptyTable(name, schemaOf(dimensions), { existOk: true }));
  };
  // delete() knows no width: every table of the model (but the one it spares).
  const tablesOf = async (model: string, except?: number): Promise<lancedb.Table[]> => {
    const names = modelTables(await db.tableNames(), model, except);
    return Promise.all(names.map((n) => cached(n, () => db.openTable(n))));
  };

  return {
    async upsert(model, records: VectorRecord[]) {
      if (records.length === 0) return;
      const t = await table(model, records[0].vector.length);
      const rows = records.map((r) => ({
        id: r.id,
        workspace_id: r.workspaceId,
        knowledge_base_id: r.knowledgeBaseId,
        document_id: r.documentId,
        vector: r.vector,
      }));
      await t.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows);
      void scheduleMaintenance(vectorTableName(model, records[0].vector.length), t, false);
    },

    async maintain(model, dimensions) {
      await scheduleMaintenance(vectorTableName(model, dimensions), await table(model, dimensions), true);
    },

    async delete(model, filter) {
      const clauses = [`workspace_id = ${sqlLiteral(filter.workspaceId)}`];
      if (filter.documentId) clauses.push(`document_id = ${sqlLiteral(filter.documentId)}`);
      if (filter.ids) {
        if (filter.ids.length === 0) return;
        clauses.push(`id IN (${filter.ids.map(sqlLiteral).join(', ')})`);
      }
      if (!filter.documentId && !filter.ids) throw new Error('vector delete needs a documentId or ids: refusing to delete a whole workspace');
      for (const t of await tablesOf(model, filter.otherWidthsThan)) await t.delete(clauses.join(' AND '));
    },

    async search(model, query) {
      if (query.knowledgeBaseIds.length === 0) return [];
      const t = await table(model, query.vector.length);
      const where = `workspace_id = ${sqlLiteral(query.workspaceId)} AND knowledge_base_id IN (${query.knowledgeBaseIds.map(sqlLiteral).join(', ')})`;
      const rows = (await t
        .vectorSearch(query.vector)
        .distanceType(DISTANCE)
        .where(where)
        .refineFactor(REFINE_FACTOR)
        .select(['id', '_distance'])
        .limit(query.limit)
        .toArray()) as Array<{ id: string; _distance: number }>;
      return rows.map((r) => ({ id: r.id, score: 1 - r._distance }));
    },

    async close() {
      for (const state of maintenance.values()) await state.running;
      for (const opened of tables.values()) (await opened.catch(() => null))?.close();
      db.close();
    },
  };
}
