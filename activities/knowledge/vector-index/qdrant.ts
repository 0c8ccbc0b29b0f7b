/**
 * The scale-out VectorIndex: a Qdrant server (VECTOR_INDEX=qdrant, QDRANT_URL, QDRANT_API_KEY),
 * a collection per embedding model and width, every search filtered on the payload.
 */
import { QdrantClient } from '@qdrant/js-client-rest';
import type { VectorIndex } from '../ports';
import { modelTables, vectorTableName } from './table-name';

/** Payload fields every search and delete filters on; indexed as keywords. */
const FILTERED_FIELDS = ['workspace_id', 'knowledge_base_id', 'document_id'] as const;
/** Fail a call rather than hang an activity on an unreachable server. */
const REQUEST_TIMEOUT_MS = 10_000;

type Condition = { key: string; match: { value: string } };

/** A VectorIndex on a Qdrant server. */
export function createQdrantIndex(options: { url: string; apiKey: string | null }): VectorIndex {
  const client = new QdrantClient({
    url: options.url,
    apiKey: options.apiKey ?? undefined,
    timeout: REQUEST_TIMEOUT_MS,
    checkCompatibility: false,
  });
  const ready = new Map<string, Promise<void>>();

  const ensureCollection = (name: string, dimensions: number): Promise<void> => {
    let done = ready.get(name);
    if (!done) {
      done = (async () => {
        if ((await client.collectionExists(name)).exists) return;
        try {
          await client.createCollection(name, { vectors: { size: dimensions, distance: 'Cosine' } });
        } catch (error) {
          // Another worker created it between the check and the create.
          if (!(await client.collectionExists(name)).exists) throw error;
          return;
        }
        for (const field of FILTERED_FIELDS) {
          await client.createPayloadIndex(name, { field_name: field, field_schema: 'keyword', wait: true });
        }
      })();
      done.catch(() => ready.delete(name));
      ready.set(name, done);
    }
    return done;
  };

  const collectionsOf = async (model: string, except?: number): Promise<string[]> => {
    const { collections } = await client.getCollections();
    return modelTables(collections.map((c) => c.name), model, except);
  };

  return {
    async upsert(model, records) {
      if (records.length === 0) return;
      const name = vectorTableName(model, records[0].vector.length);
      await ensureCollection(name, records[0].vector.length);
      await client.upsert(name, {
        wait: true,
        points: records.map((r) => ({
          id: r.id,
          vector: r.vector,
          payload: { workspace_id: r.workspaceId, knowledge_base_id: r.knowledgeBaseId, document_id: r.documentId },
        })),
      });
    },

    async delete(model, filter) {
      if (!filter.documentId && !filter.ids) throw new Error('vector delete needs a documentId or ids: refusing to delete a whole workspace');
      if (filter.ids && filter.ids.length === 0) return;
      const must: Condition[] = [{ key: 'workspace_id', match: { value: filter.workspaceId } }];
      if (filter.documentId) must.push({ key: 'document_id', match: { value: filter.documentId } });
      // Ids inside the filter, not as a point list, so only this workspace's points can go.
      const byId = filter.ids ? [{ has_id: filter.ids }] : [];
      for (const name of await collectionsOf(model, filter.otherWidthsThan)) {
        await client.delete(name, { wait: true, filter: { must: [...must, ...byId] } });
      }
    },

    async search(model, query) {
      if (query.knowledgeBaseIds.length === 0) return [];
      const name = vectorTableName(model, query.vector.length);
      await ensureCollection(name, query.vector.length);
      const { points } = await client.query(name, {
        query: query.vector,
        limit: query.limit,
        with_payload: false,
        filter: {
          must: [
            { key: 'workspace_id', match: { value: query.workspaceId } },
            { key: 'knowledge_base_id', match: { any: query.knowledgeBaseIds } },
          ],
        },
      });
      return points.map((p) => ({ id: String(p.id), score: p.score }));
    },
  };
}
