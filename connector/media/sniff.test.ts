import { checkMediaContent, sniffMimeType } from './sniff';

const bytes = (...parts: (number[] | string)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffMimeType', () => {
  it.each([
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF')],
    ['image/png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['image/gif', bytes('GIF89a')],
    ['image/webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')],
    ['audio/wav', bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt ')],
    ['audio/ogg', bytes('OggS', [0, 2])],
    ['audio/amr', bytes('#!AMR\n')],
    ['audio/mpeg', bytes('ID3', [4, 0])],
    ['audio/mpeg', bytes([0xff, 0xfb, 0x90])],
    ['audio/aac', bytes([0xff, 0xf1, 0x50])],
    ['audio/mp4', bytes([0, 0, 0, 0x20], 'ftypM4A ')],
    ['video/mp4', bytes([0, 0, 0, 0x18], 'ftypisom')],
    ['video/3gpp', bytes([0, 0, 0, 0x18], 'ftyp3gp4')],
    ['video/webm', bytes([0x1a, 0x45, 0xdf, 0xa3])],
    ['application/pdf', bytes('%PDF-1.7')],
    ['application/zip', bytes([0x50, 0x4b, 0x03, 0x04])],
  ])('knows %s', (mimeType, head) => {
    expect(sniffMimeType(head)).toBe(mimeType);
  });

  it('knows no text, HTML or empty input', () => {
    expect(sniffMimeType(bytes('<html><script>alert(1)</script>'))).toBeNull();
    expect(sniffMimeType(bytes('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeNull();
    expect(sniffMimeType(Buffer.alloc(0))).toBeNull();
  });
});

describe('checkMediaContent', () => {
  const png = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  it('stores an image as what its bytes are, whatever was declared', () => {
    expect(checkMediaContent('IMAGE', 'image/jpeg', png)).toEqual({ mimeType: 'image/png' });
  });

  it('refuses an "image" that is HTML, and a video that is an image', () => {
    expect(checkMediaContent('IMAGE', 'image/png', bytes('<html>'))).toEqual({ refused: 'the file is not image media (its content is of an unknown type)' });
    expect(checkMediaContent('VIDEO', 'video/mp4', png)).toEqual({ refused: 'the file is not video media (its content is image/png)' });
  });

  it('takes a voice note in an MP4 container as audio', () => {
    expect(checkMediaContent('VOICE', 'audio/mp4', bytes([0, 0, 0, 0x18], 'ftypisom'))).toEqual({ mimeType: 'audio/mp4' });
    expect(checkMediaContent('VOICE', 'audio/ogg; codecs=opus', bytes('OggS'))).toEqual({ mimeType: 'audio/ogg' });
  });

  it('keeps a document under its declared type (it is served as a download)', () => {
    expect(checkMediaContent('DOCUMENT', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes([0x50, 0x4b, 0x03, 0x04]))).toEqual({
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    });
    expect(checkMediaContent('DOCUMENT', undefined, bytes('plain text'))).toEqual({ mimeType: 'application/octet-stream' });
  });
});
