import { ExtractionError, type TextBlock } from './blocks';
import type { DocumentType } from './detect-type';
import { extractPdf } from './pdf';
import { extractDocx } from './docx';
import { extractHtml } from './html';
import { extractCsv } from './csv';
import { extractMarkdown } from './markdown';

/** A document's text blocks, by its detected type; ExtractionError says, readably, why it cannot be read. */
export async function extract(bytes: Buffer, type: DocumentType): Promise<TextBlock[]> {
  switch (type) {
    case 'PDF':
      return extractPdf(bytes);
    case 'DOCX':
      return extractDocx(bytes);
    case 'HTML':
      return extractHtml(bytes);
    case 'CSV':
      return extractCsv(bytes.toString('utf8'));
    case 'MARKDOWN': {
      const blocks = extractMarkdown(bytes.toString('utf8'));
      if (!blocks.some((b) => b.kind === 'paragraph')) throw new ExtractionError('the document has no text');
      return blocks;
    }
  }
}
