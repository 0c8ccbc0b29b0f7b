import { chunk, CHUNKING, estimateTokens, HEADING_SEPARATOR } from './chunk';
import type { TextBlock } from './extract/blocks';

const p = (text: string): TextBlock => ({ kind: 'paragraph', text });
const h = (level: number, text: string): TextBlock => ({ kind: 'heading', level, text });
/** A sentence of about `tokens` tokens, numbered so each is distinct. */
const sentence = (n: number, tokens = 20) => `Sentence ${n} ${'word '.repeat(Math.max(0, Math.round((tokens * 4 - 14) / 5))).trim()}.`;

describe('chunk', () => {
  it('keeps a short document in one chunk, paragraphs separated by a blank line', () => {
    expect(chunk([p('Opening hours are 9 to 5.'), p('We are closed on Sundays.')])).toEqual([
      { heading: null, text: 'Opening hours are 9 to 5.\n\nWe are closed on Sundays.', tokenCount: estimateTokens('Opening hours are 9 to 5.\n\nWe are closed on Sundays.') },
    ]);
  });

  it('gives each chunk the path of headings it falls under, and never spans two sections', () => {
    const chunks = chunk([h(1, 'Shipping'), p('We ship worldwide.'), h(2, 'Returns'), p('Returns within 30 days.'), h(1, 'Payment'), p('We take cards.')]);
    expect(chunks.map((c) => [c.heading, c.text])).toEqual([
      ['Shipping', 'We ship worldwide.'],
      [`Shipping${HEADING_SEPARATOR}Returns`, 'Returns within 30 days.'],
      ['Payment', 'We take cards.'],
    ]);
  });

  it('cuts on paragraph boundaries when paragraphs fit, each chunk within the target', () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `${sentence(i * 10)} ${sentence(i * 10 + 1)} ${sentence(i * 10 + 2)}`);
    const chunks = chunk(paragraphs.map(p));
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(CHUNKING.targetTokens);
    // Each chunk but the first opens with the previous chunk's last whole sentence(s), no more than the overlap.
    for (let i = 1; i < chunks.length; i++) {
      const overlap = chunks[i].text.split('\n\n')[0];
      expect(chunks[i - 1].text.endsWith(overlap)).toBe(true);
      expect(estimateTokens(overlap)).toBeLessThanOrEqual(CHUNKING.overlapTokens);
    }
    // Every paragraph appears whole in some chunk.
    for (const paragraph of paragraphs) expect(chunks.some((c) => c.text.includes(paragraph))).toBe(true);
  });

  it('splits a paragraph longer than a chunk on sentence boundaries, with ~50 tokens of overlap', () => {
    const sentences = Array.from({ length: 80 }, (_, i) => sentence(i, 20));
    const chunks = chunk([p(sentences.join(' '))]);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    for (const c of chunks) {
      expect(c.tokenCount).toBeLessThanOrEqual(CHUNKING.targetTokens);
      expect(c.text.startsWith('Sentence ')).toBe(true);
      expect(c.text.endsWith('.')).toBe(true);
    }
    const first = chunks[0].text;
    const second = chunks[1].text;
    const lastTwo = sentencesIn(first).slice(-2).join(' ');
    expect(second.startsWith(lastTwo)).toBe(true);
    // All sentences are kept, in order.
    const seen = [...new Set(chunks.flatMap((c) => sentencesIn(c.text)))];
    expect(seen).toEqual(sentences);
  });

  it('cuts a single sentence longer than a chunk on words', () => {
    const words = Array.from({ length: 1000 }, (_, i) => `w${i}`);
    const chunks = chunk([p(words.join(' '))]);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(CHUNKING.targetTokens);
    expect(chunks.map((c) => c.text).join(' ').split(' ').filter((w, i, all) => all.indexOf(w) === i)).toEqual(words);
  });

  it('honours another preset, and no overlap when it is 0', () => {
    const chunks = chunk([p('One two three. Four five six. Seven eight nine.')], { targetTokens: 5, overlapTokens: 0 });
    expect(chunks.map((c) => c.text)).toEqual(['One two three.', 'Four five six.', 'Seven eight nine.']);
  });

  it('makes no chunk of a document without paragraphs', () => {
    expect(chunk([h(1, 'Empty')])).toEqual([]);
  });
});

function sentencesIn(text: string): string[] {
  return text.match(/Sentence \d+[^.]*\./g) ?? [];
}
