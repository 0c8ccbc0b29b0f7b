/** What every extractor produces: a document's text in reading order, headings kept apart from paragraphs. */
export type TextBlock = { kind: 'heading'; level: number; text: string } | { kind: 'paragraph'; text: string };

/** A readable failure of extraction: the document is FAILED with this message, and retrying cannot help. */
export class ExtractionError extends Error {}

/** Splits plain text into paragraphs on blank lines, whitespace inside each collapsed. */
export function paragraphsOf(text: string): TextBlock[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/[ \t]+/g, ' ').replace(/ *\n */g, '\n').trim())
    .filter(Boolean)
    .map((p) => ({ kind: 'paragraph', text: p }));
}
