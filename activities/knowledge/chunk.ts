/**
 * Chunking (pure): a document's blocks become passages of about CHUNKING.targetTokens tokens,
 * cut on paragraph boundaries, then on sentence boundaries (Intl.Segmenter), then — only for a
 * sentence longer than a chunk — on words. Consecutive chunks of one section overlap by about
 * CHUNKING.overlapTokens tokens of whole sentences. A chunk never spans two sections, and carries
 * the path of headings it falls under ("Shipping › Returns").
 */
import type { TextBlock } from './extract/blocks';

/** The chunking preset: ~500 tokens a chunk, ~50 of them repeated from the previous chunk. */
export const CHUNKING = { targetTokens: 500, overlapTokens: 50 } as const;
export type ChunkingPreset = { targetTokens: number; overlapTokens: number };

/** Characters per token: the usual estimate for English and other Latin-script text under BPE tokenizers. */
const CHARS_PER_TOKEN = 4;

/** Separates the heading path's levels. */
export const HEADING_SEPARATOR = ' › ';

export interface TextChunk {
  heading: string | null;
  text: string;
  tokenCount: number;
}

/** About how many model tokens a text is. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The document's chunks in reading order. */
export function chunk(blocks: TextBlock[], preset: ChunkingPreset = CHUNKING): TextChunk[] {
  return sections(blocks).flatMap((section) => chunkSection(section, preset));
}

interface Section {
  heading: string | null;
  paragraphs: string[];
}

function sections(blocks: TextBlock[]): Section[] {
  const path: { level: number; text: string }[] = [];
  const result: Section[] = [];
  let current: Section | null = null;
  for (const block of blocks) {
    if (block.kind === 'heading') {
      while (path.length && path[path.length - 1].level >= block.level) path.pop();
      path.push({ level: block.level, text: block.text });
      current = null;
      continue;
    }
    if (!current) {
      current = { heading: path.length ? path.map((h) => h.text).join(HEADING_SEPARATOR) : null, paragraphs: [] };
      result.push(current);
    }
    current.paragraphs.push(block.text);
  }
  return result;
}

/** A piece a chunk is packed from: a paragraph, a sentence, or a run of words; `paragraph` tells how to join it. */
interface Unit {
  text: string;
  paragraph: number;
  overlap?: boolean;
}

function chunkSection(section: Section, preset: ChunkingPreset): TextChunk[] {
  const units = section.paragraphs.flatMap((text, paragraph) => splitToFit(text, preset.targetTokens).map((piece) => ({ text: piece, paragraph })));
  const chunks: TextChunk[] = [];
  let current: Unit[] = [];
  const emit = () => {
    const text = join(current);
    chunks.push({ heading: section.heading, text, tokenCount: estimateTokens(text) });
  };
  for (const unit of units) {
    const hasOwnText = current.some((u) => !u.overlap);
    if (hasOwnText && estimateTokens(join([...current, unit])) > preset.targetTokens) {
      emit();
      current = overlapOf(current, preset.overlapTokens);
    }
    current.push(unit);
  }
  if (current.some((u) => !u.overlap)) emit();
  return chunks;
}

function join(units: Unit[]): string {
  return units.map((u, i) => (i === 0 ? '' : u.paragraph === units[i - 1].paragraph ? ' ' : '\n\n') + u.text).join('');
}

/** The whole sentences at the end of a chunk's last paragraph that fit in the overlap, to start the next chunk with. */
function overlapOf(units: Unit[], overlapTokens: number): Unit[] {
  if (overlapTokens <= 0) return [];
  const paragraph = units[units.length - 1].paragraph;
  const sentences = units.filter((u) => u.paragraph === paragraph).flatMap((u) => sentencesOf(u.text));
  const tail: string[] = [];
  let tokens = 0;
  for (let i = sentences.length - 1; i >= 0; i--) {
    const t = estimateTokens(sentences[i]) + (tail.length ? 1 : 0);
    if (tokens + t > overlapTokens) break;
    tail.unshift(sentences[i]);
    tokens += t;
  }
  return tail.length ? [{ text: tail.join(' '), paragraph, overlap: true }] : [];
}

/** The paragraph whole when it fits a chunk; else its sentences (a sentence too long for a chunk, its words in runs). */
function splitToFit(paragraph: string, targetTokens: number): string[] {
  if (estimateTokens(paragraph) <= targetTokens) return [paragraph];
  return sentencesOf(paragraph).flatMap((sentence) => (estimateTokens(sentence) <= targetTokens ? [sentence] : wordRuns(sentence, targetTokens)));
}

const SENTENCES = new Intl.Segmenter('en', { granularity: 'sentence' });

function sentencesOf(text: string): string[] {
  return [...SENTENCES.segment(text)].map((s) => s.segment.trim()).filter(Boolean);
}

function wordRuns(sentence: string, targetTokens: number): string[] {
  const runs: string[] = [];
  let run = '';
  for (const word of sentence.split(/\s+/)) {
    const next = run ? `${run} ${word}` : word;
    if (run && estimateTokens(next) > targetTokens) {
      runs.push(run);
      run = word;
    } else {
      run = next;
    }
  }
  if (run) runs.push(run);
  return runs;
}
