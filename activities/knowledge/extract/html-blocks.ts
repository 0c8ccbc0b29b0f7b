import type { TextBlock } from './blocks';

const BLOCK_TAGS = new Set(['P', 'LI', 'BLOCKQUOTE', 'PRE', 'DD', 'DT', 'FIGCAPTION', 'CAPTION']);
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'NAV', 'FOOTER', 'SVG']);

/**
 * The blocks of parsed HTML (a linkedom or readability DOM): h1–h6 become headings, paragraphs
 * and list items paragraphs, and each table row one paragraph of its cells joined by " | ".
 */
export function htmlBlocks(root: Element): TextBlock[] {
  const blocks: TextBlock[] = [];
  const loose: string[] = [];
  const flushLoose = () => {
    const text = clean(loose.join(' '));
    loose.length = 0;
    if (text) blocks.push({ kind: 'paragraph', text });
  };
  const walk = (node: Node) => {
    if (node.nodeType === 3) {
      loose.push(node.textContent ?? '');
      return;
    }
    if (node.nodeType !== 1) return;
    const el = node as Element;
    const tag = el.tagName.toUpperCase();
    if (SKIPPED.has(tag)) return;
    const heading = /^H([1-6])$/.exec(tag);
    if (heading || BLOCK_TAGS.has(tag) || tag === 'TR') {
      flushLoose();
      const text = tag === 'TR' ? [...el.children].map((cell) => clean(cell.textContent ?? '')).filter(Boolean).join(' | ') : clean(el.textContent ?? '');
      if (text) blocks.push(heading ? { kind: 'heading', level: Number(heading[1]), text } : { kind: 'paragraph', text });
      return;
    }
    el.childNodes.forEach(walk);
    if (tag === 'DIV' || tag === 'SECTION' || tag === 'ARTICLE' || tag === 'TABLE' || tag === 'BR') flushLoose();
  };
  root.childNodes.forEach(walk);
  flushLoose();
  return blocks;
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
