/**
 * Hybrid retrieval: full-text search over the chunks' and FAQs' tsvector columns in Postgres, and
 * nearest vectors in the VectorIndex when an embedder is configured, fused by reciprocal rank.
 * Both sides are filtered by workspace and knowledge bases; only chunks of a document's live
 * (indexed) revision are returned. It runs on every AI reply, so its reads are two hand-written
 * statements (a hot path) typed from the entities.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../schema/orm';
import { KnowledgeBase } from '../../schema/entities/knowledge-base.entity';
import { TEXT_SEARCH_CONFIG, type Chunk } from '../../schema/entities/chunk.entity';
import type { Document } from '../../schema/entities/document.entity';
import type { Embedder, RetrievedPassage, Retriever, VectorIndex } from './ports';

/** Reciprocal rank fusion's constant (Cormack et al.): a passage at rank r on one side adds 1 / (RRF_K + r). */
export const RRF_K = 60;
/** Candidates each side contributes before fusion, per passage asked for. */
const CANDIDATES_PER_RESULT = 4;
const MIN_CANDIDATES = 20;
/** What a FAQ's passage is called where a document's name would go. */
export const FAQ_DOCUMENT_NAME = 'FAQ';

interface PassageRow {
  id: Chunk['id'];
  kind: RetrievedPassage['kind'];
  knowledge_base_id: Chunk['knowledgeBaseId'];
  document_id: Chunk['documentId'] | null;
  document_name: Document['name'];
  heading: Chunk['heading'];
  text: Chunk['text'];
}

// The question's words ORed, ranked by ts_rank: websearch_to_tsquery would AND every word, and a
// customer's question rarely has all its words in one passage. English stop words (those the
// english_stem dictionary drops) are left out, or "the", "my", "can" would rank every passage; the
// columns themselves stay 'simple', so other languages' words still match (measured on
// test/fixtures/retrieval: hybrid recall@5 0.80 → 0.87 with them left out).
const QUERY = `(select coalesce(string_agg(quote_literal(w), ' | '), '')::tsquery
   from unnest(tsvector_to_array(to_tsvector('${TEXT_SEARCH_CONFIG}', ?))) as w
  where ts_lexize('english_stem', w) <> '{}')`;

const FULL_TEXT_SQL = `
with q as (select ${QUERY} as query)
(select c.id, 'CHUNK' as kind, c.knowledge_base_id, c.document_id, d.name as document_name, c.heading, c.text, ts_rank(c.search, q.query) as rank
   from q, chunks c join documents d on d.id = c.document_id and d.indexed_revision = c.revision
  where c.workspace_id = ? and c.knowledge_base_id = any(?::uuid[]) and c.search @@ q.query
  order by rank desc limit ?)
union all
(select f.id, 'FAQ', f.knowledge_base_id, null, '${FAQ_DOCUMENT_NAME}', f.question, f.answer, ts_rank(f.search, q.query) as rank
   from q, faqs f
  where f.workspace_id = ? and f.knowledge_base_id = any(?::uuid[]) and f.search @@ q.query
  order by rank desc limit ?)
order by rank desc limit ?`;

const BY_ID_SQL = `
select c.id, 'CHUNK' as kind, c.knowledge_base_id, c.document_id, d.name as document_name, c.heading, c.text
  from chunks c join documents d on d.id = c.document_id and d.indexed_revision = c.revision
 where c.workspace_id = ? and c.knowledge_base_id = any(?::uuid[]) and c.id = any(?::uuid[])
union all
select f.id, 'FAQ', f.knowledge_base_id, null, '${FAQ_DOCUMENT_NAME}', f.question, f.answer
  from faqs f
 where f.workspace_id = ? and f.knowledge_base_id = any(?::uuid[]) and f.id = any(?::uuid[])`;

/** A Postgres array literal of uuids (ids are uuids: nothing to escape). */
function uuidArray(ids: string[]): string {
  return `{${ids.join(',')}}`;
}

/** Fuses ranked id lists by reciprocal rank: Σ 1 / (RRF_K + rank), rank from 1. */
export function reciprocalRankFusion(rankings: string[][]): Map<string, number> {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((id, index) => scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + index + 1)));
  }
  return scores;
}

/** The retriever over Postgres full-text and the vector index; defaultEmbedder null: full-text only. */
export function createRetriever(deps: { orm: Orm; vectorIndex: VectorIndex; defaultEmbedder: Embedder | null }): Retriever {
  return {
    async retrieve(query) {
      const em = deps.orm.em.fork() as EntityManager;
      const knowledgeBaseIds = query.knowledgeBaseIds?.length
        ? query.knowledgeBaseIds
        : (await em.find(KnowledgeBase, { workspaceId: query.workspaceId }, { fields: ['id'] })).map((kb) => kb.id);
      if (knowledgeBaseIds.length === 0 || !query.text.trim()) return [];
      const embedder = query.embedder === undefined ? deps.defaultEmbedder : query.embedder;
      const candidates = Math.max(query.limit * CANDIDATES_PER_RESULT, MIN_CANDIDATES);
      const kbs = uuidArray(knowledgeBaseIds);

      const [textRows, vectorHits] = await Promise.all([
        em.execute<PassageRow[]>(FULL_TEXT_SQL, [query.text, query.workspaceId, kbs, candidates, query.workspaceId, kbs, candidates, candidates]),
        embedder
          ? embedder
              .embed([query.text])
              .then(([vector]) => deps.vectorIndex.search(embedder.model, { workspaceId: query.workspaceId, knowledgeBaseIds, vector, limit: candidates }))
          : Promise.resolve([]),
      ]);

      const rows = new Map(textRows.map((row) => [row.id, row]));
      const missing = vectorHits.map((hit) => hit.id).filter((id) => !rows.has(id));
      if (missing.length) {
        const ids = uuidArray(missing);
        for (const row of await em.execute<PassageRow[]>(BY_ID_SQL, [query.workspaceId, kbs, ids, query.workspaceId, kbs, ids])) rows.set(row.id, row);
      }
      // A vector whose chunk is gone (an older revision, a deleted document) ranks nothing.
      const vectorRanking = vectorHits.map((hit) => hit.id).filter((id) => rows.has(id));
      const fused = reciprocalRankFusion([textRows.map((row) => row.id), vectorRanking]);

      return [...fused.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, query.limit)
        .map(([id, score]) => passageOf(rows.get(id)!, score));
    },
  };
}

function passageOf(row: PassageRow, score: number): RetrievedPassage {
  return {
    id: row.id,
    kind: row.kind,
    knowledgeBaseId: row.knowledge_base_id,
    documentId: row.document_id,
    documentName: row.document_name,
    text: row.heading ? `${row.heading}\n${row.text}` : row.text,
    score,
  };
}
