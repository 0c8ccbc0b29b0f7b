/**
 * A text PDF of n pages written by hand for the ingestion bench (no PDF library in the product):
 * Helvetica, uncompressed content streams, a correct cross-reference table. Each page is a
 * heading and ~36 lines of sentences drawn from a small vocabulary, so the text reads like prose
 * to the chunker (sentences, paragraphs) and pdf.js extracts it as a real file's.
 */
const WORDS = ('delivery parcel order refund warranty return invoice payment customer shop store kayak tent paddle bicycle helmet ' +
  'jacket boots rental deposit week day hour morning evening weekend holiday price discount voucher shipping express standard ' +
  'address country city region service support email phone chat repair spare part battery charger size colour fabric').split(' ');
const LINES_PER_PAGE = 36;
const WORDS_PER_LINE = 12;

function sentenceLines(page: number): string[] {
  let seed = page * 7919 + 17;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines: string[] = [];
  for (let l = 0; l < LINES_PER_PAGE; l++) {
    const words = Array.from({ length: WORDS_PER_LINE }, () => WORDS[Math.floor(next() * WORDS.length)]);
    words[0] = words[0][0].toUpperCase() + words[0].slice(1);
    lines.push(`${words.join(' ')}.`);
  }
  return lines;
}

/** The PDF's bytes; page i (from 1) starts with the heading "Section i". */
export function generatePdf(pages: number): Buffer {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body);
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(''); // the page tree, written once the page ids are known
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const kids: number[] = [];
  for (let p = 1; p <= pages; p++) {
    const text = [`BT /F1 16 Tf 72 760 Td (Section ${p}) Tj ET`, 'BT /F1 10 Tf 72 730 Td 14 TL', ...sentenceLines(p).map((line) => `(${line}) Tj T*`), 'ET'].join('\n');
    add(`<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`);
    const contents = objects.length;
    add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${contents} 0 R >>`);
    kids.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${pages} >>`;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
