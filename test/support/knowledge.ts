/** Knowledge helpers for the suites: the fixtures, uploads as the dashboard sends them (GraphQL multipart), and waiting on a document. */
import fs from 'node:fs';
import path from 'node:path';
import { CSRF_HEADERS, gqlOk, query, waitFor, type GqlResult } from './platform';
import { TEST_ROOT } from './services-env';
import * as lancedb from '@lancedb/lancedb';
import { vectorTableName } from '../../activities/knowledge/vector-index/table-name';

export const KNOWLEDGE_FIXTURES = path.join(TEST_ROOT, 'test/fixtures/knowledge');
export const fixture = (name: string) => fs.readFileSync(path.join(KNOWLEDGE_FIXTURES, name));

export const DOCUMENT_FIELDS = 'id name status error chunkCount chunksDone progress revision mimeType sizeBytes source';
export const ADD_DOCUMENT = `mutation($i: AddDocumentInput!) { addDocument(input: $i) { ${DOCUMENT_FIELDS} } }`;

export async function createKnowledgeBase(url: string, token: string, name = 'Shop knowledge'): Promise<string> {
  const { createKnowledgeBase: kb } = await gqlOk(url, `mutation($i: CreateKnowledgeBaseInput!) { createKnowledgeBase(input: $i) { id } }`, { i: { name } }, token);
  return kb.id;
}

/** addDocument with a file, as a GraphQL multipart request (graphql-multipart-request-spec). */
export async function uploadDocument(url: string, token: string, knowledgeBaseId: string, fileName: string, bytes: Buffer): Promise<GqlResult<any> & { status: number }> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: ADD_DOCUMENT, variables: { i: { knowledgeBaseId, name: fileName, file: null } } }));
  form.append('map', JSON.stringify({ 0: ['variables.i.file'] }));
  form.append('0', new Blob([new Uint8Array(bytes)]), fileName);
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { ...CSRF_HEADERS, authorization: `Bearer ${token}` }, body: form });
  return { ...((await response.json()) as GqlResult<any>), status: response.status };
}

export interface DocumentRow {
  status: string;
  error: string | null;
  chunk_count: number;
  chunks_done: number;
  revision: number;
  indexed_revision: number | null;
}

/** Waits until the document's row has one of the statuses (and, if given, the revision). */
export async function waitForDocument(databaseUrl: string, id: string, statuses: string[], revision?: number, timeoutMs = 120_000): Promise<DocumentRow> {
  return waitFor(`document ${id} to be ${statuses.join(' or ')}`, async () => {
    const [row] = await query<DocumentRow>(databaseUrl, `select status, error, chunk_count, chunks_done, revision, indexed_revision from documents where id = $1`, [id]);
    return row && statuses.includes(row.status) && (revision === undefined || row.revision === revision) && row;
  }, timeoutMs);
}

/** The document's stored chunks in order: heading, text and revision. */
export async function chunksOf(databaseUrl: string, documentId: string): Promise<{ heading: string | null; text: string; revision: number; ordinal: number }[]> {
  return query(databaseUrl, `select heading, text, revision, ordinal from chunks where document_id = $1 order by revision, ordinal`, [documentId]);
}

/** The ids with a vector in the model's table of a platform's LanceDB (`<dataDir>/vectors`), read from the test's process. */
export async function lanceVectorIds(dataDir: string, model: string, dimensions: number, ids: string[]): Promise<string[]> {
  const vectors = await lancedb.connect(path.join(dataDir, 'vectors'), { readConsistencyInterval: 0 });
  try {
    const name = vectorTableName(model, dimensions);
    if (!(await vectors.tableNames()).includes(name)) return [];
    const table = await vectors.openTable(name);
    try {
      const rows = (await table.query().where(`id IN (${ids.map((id) => `'${id}'`).join(', ')})`).select(['id']).toArray()) as { id: string }[];
      return rows.map((r) => r.id).sort();
    } finally {
      table.close();
    }
  } finally {
    vectors.close();
  }
}
