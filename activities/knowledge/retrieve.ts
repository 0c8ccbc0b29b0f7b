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
/** Words of a question that make the pairs of the full-text query (see QUERIES). */
const PAIR_WORDS = 10;
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

// The question's words: English stop words (those the english_stem dictionary drops) are left out,
// or "the", "my", "can" would rank every passage; the columns themselves stay 'simple', so other
// languages' words still match (measured on test/fixtures/retrieval: hybrid recall@5 0.80 → 0.87
// with them left out). Two queries are built from them: any word (ORed; websearch_to_tsquery would
// AND every word, and a customer's question rarely has all its words in one passage), which ranks,
// and any two words (a pair ANDed, the pairs ORed), which picks what gets ranked.
// The pairs are of the longest words only (longer words are rarer), PAIR_WORDS at most: a long
// question would otherwise make a tsquery of hundreds of pairs that the index checks per row.
const QUERIES = `w as (select distinct w from unnest(tsvector_to_array(to_tsvector('${TEXT_SEARCH_CONFIG}', ?))) as w
                where ts_lexize('english_stem', w) <> '{}'),
p as (select w from w order by length(w) desc, w limit ${PAIR_WORDS}),
q as (select coalesce((select string_agg(quote_literal(w), ' | ') from w), '')::tsquery as any_word,
             coalesce((select string_agg('(' || quote_literal(a.w) || ' & ' || quote_literal(b.w) || ')', ' | ') from p a join p b on a.w < b.w), '')::tsquery as two_words)`;

const CHUNK_COLUMNS = `c.id, 'CHUNK' as kind, c.knowledge_base_id, c.document_id, d.name as document_name, c.heading, c.text, ts_rank(c.search, q.any_word) as rank`;
const LIVE_CHUNKS = `q, chunks c join documents d on d.id = c.document_id and d.indexed_revision = c.revision
  where c.workspace_id = ? and c.knowledge_base_id = any(?::uuid[])`;

// Ranking every chunk that shares one word with the question is what made full-text slow over a
// large knowledge base (bench/retrieval: 8 words matched 16k of 100k chunks, ts_rank read each).
// ts_rank over ORed words is about how many of the words a passage has (a word's repeats add
// less than another word does), so the best passages are among those with two of the words:
// rank those first ("minimum should match" in Lucene's terms), and the ones with one word only
// when too few have two (a small knowledge base, a question of one word). The second branch runs
// only then: its condition is a one-time filter Postgres checks before scanning.
const FULL_TEXT_SQL = `
with ${QUERIES},
strong as (select ${CHUNK_COLUMNS} from ${LIVE_CHUNKS} and c.search @@ q.two_words order by rank desc limit ?),
weak as (select ${CHUNK_COLUMNS} from ${LIVE_CHUNKS} and (select count(*) from strong) < ?
            and c.search @@ q.any_word and not c.search @@ q.two_words order by rank desc limit ?)
(select * from strong)
union all
(select * from weak)
union all
(select f.id, 'FAQ', f.knowledge_base_id, null, '${FAQ_DOCUMENT_NAME}', f.question, f.answer, ts_rank(f.search, q.any_word) as rank
   from q, faqs f
  where f.workspace_id = ? and f.knowledge_base_id = any(?::uuid[]) and f.search @@ q.any_word
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

      // The two sides run side by side, the vector side reading its passages' rows as soon as it
      // has its ids (not after full-text ends): the slower side alone sets the latency.
      const vectorSide = async (): Promise<PassageRow[]> => {
        if (!embedder) return [];
        const [vector] = await embedder.embed([query.text]);
        const hits = await deps.vectorIndex.search(embedder.model, { workspaceId: query.workspaceId, knowledgeBaseIds, vector, limit: candidates });
        if (hits.length === 0) return [];
        const ids = uuidArray(hits.map((hit) => hit.id));
        const found = new Map((await em.execute<PassageRow[]>(BY_ID_SQL, [query.workspaceId, kbs, ids, query.workspaceId, kbs, ids])).map((row) => [row.id, row]));
        // A vector whose chunk is gone (an older revision, a deleted document) ranks nothing.
        return hits.flatMap((hit) => found.get(hit.id) ?? []);
      };
      const [textRows, vectorRows] = await Promise.all([
        em.execute<PassageRow[]>(FULL_TEXT_SQL, [query.text, query.workspaceId, kbs, candidates, query.workspaceId, kbs, candidates, candidates, query.workspaceId, kbs, candidates, candidates]),
        vectorSide(),
      ]);

      const rows = new Map([...vectorRows, ...textRows].map((row) => [row.id, row]));
      const vectorRanking = vectorRows.map((row) => row.id);
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
