import { extractText, getDocumentProxy } from 'unpdf';
import { ExtractionError, paragraphsOf, type TextBlock } from './blocks';

/** A PDF's text, page by page (unpdf, Mozilla's pdf.js); a PDF with no text layer (a scan) is refused. */
export async function extractPdf(bytes: Buffer): Promise<TextBlock[]> {
  let pages: string[];
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    pages = (await extractText(pdf, { mergePages: false })).text;
  } catch (err) {
    throw new ExtractionError(`the PDF could not be read: ${(err as Error).message}`);
  }
  const blocks = pages.flatMap((page) => paragraphsOf(page));
  if (blocks.length === 0) throw new ExtractionError('the PDF has no text (a scanned PDF needs OCR first)');
  return blocks;
}
