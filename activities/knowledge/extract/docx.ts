import mammoth from 'mammoth';
import { parseHTML } from 'linkedom';
import { ExtractionError, type TextBlock } from './blocks';
import { htmlBlocks } from './html-blocks';

/** A Word document's text (mammoth): headings by their styles, paragraphs, and tables row by row. */
export async function extractDocx(bytes: Buffer): Promise<TextBlock[]> {
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: bytes })).value;
  } catch (err) {
    throw new ExtractionError(`the Word document could not be read: ${(err as Error).message}`);
  }
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const blocks = htmlBlocks(document.body as unknown as Element);
  if (blocks.length === 0) throw new ExtractionError('the Word document has no text');
  return blocks;
}
