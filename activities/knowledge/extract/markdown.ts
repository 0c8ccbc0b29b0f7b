import { paragraphsOf, type TextBlock } from './blocks';

/** Plain text and Markdown: ATX headings (`# …`) kept as headings, the rest paragraphs split on blank lines. */
export function extractMarkdown(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let body: string[] = [];
  const flush = () => {
    blocks.push(...paragraphsOf(body.join('\n')));
    body = [];
  };
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: heading[1].length, text: heading[2] });
    } else {
      body.push(line);
    }
  }
  flush();
  return blocks;
}
