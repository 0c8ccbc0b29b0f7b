import { parseHTML } from 'linkedom';
import { Readability } from '@mozilla/readability';
import { ExtractionError, type TextBlock } from './blocks';
import { htmlBlocks } from './html-blocks';

/** A web page's main content (Mozilla Readability over linkedom: no navigation, footer or ads), its title as the first heading. */
export function extractHtml(bytes: Buffer): TextBlock[] {
  const { document } = parseHTML(bytes.toString('utf8'));
  const article = new Readability(document as unknown as Document, { keepClasses: false }).parse();
  if (!article?.content) throw new ExtractionError('the page has no readable main content');
  const content = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document.body as unknown as Element;
  const blocks = htmlBlocks(content);
  const title = article.title?.trim();
  if (title && !(blocks[0]?.kind === 'heading' && blocks[0].text === title)) blocks.unshift({ kind: 'heading', level: 1, text: title });
  if (!blocks.some((b) => b.kind === 'paragraph')) throw new ExtractionError('the page has no readable main content');
  return blocks;
}
