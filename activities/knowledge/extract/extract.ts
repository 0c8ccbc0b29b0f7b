import { ExtractionError, type TextBlock } from './blocks';
import type { DocumentType } from './detect-type';
import { extractMarkdown } from './markdown';

/**
 * A document's text blocks, by its detected type; ExtractionError says, readably, why it cannot be
 * read. Each format's library loads with its first document (mammoth and linkedom alone are ~40 MB
 * resident), not with the worker.
 */
export async function extract(bytes: Buffer, type: DocumentType): Promise<TextBlock[]> {
  switch (type) {
    case 'PDF':
      return (await import('./pdf')).extractPdf(bytes);
    case 'DOCX':
      return (await import('./docx')).extractDocx(bytes);
    case 'HTML':
      return (await import('./html')).extractHtml(bytes);
    case 'CSV':
      return (await import('./csv')).extractCsv(bytes.toString('utf8'));
    case 'MARKDOWN': {
      const blocks = extractMarkdown(bytes.toString('utf8'));
      if (!blocks.some((b) => b.kind === 'paragraph')) throw new ExtractionError('the document has no text');
      return blocks;
    }
  }
}
