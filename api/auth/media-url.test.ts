import { mediaSignatureIsValid, signedMediaPath } from './media-url';

const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
const WS = '11111111-1111-4111-8111-111111111111';
const MSG = '22222222-2222-4222-8222-222222222222';
const NOW = Date.UTC(2026, 11, 2, 4, 1, 0);

function parts(path: string) {
  const url = new URL(path, 'http://x');
  return { expires: Number(url.searchParams.get('expires')), signature: url.searchParams.get('signature')! };
}

describe('signed media URLs', () => {
  it('are valid for the message they sign for 10 to 15 minutes, and the same within a window', () => {
    const path = signedMediaPath(SECRET, WS, MSG, NOW);
    expect(path.startsWith(`/media/${MSG}?expires=`)).toBe(true);
    const { expires, signature } = parts(path);
    expect(mediaSignatureIsValid(SECRET, WS, MSG, expires, signature, NOW + 9 * 60_000)).toBe(true);
    expect(mediaSignatureIsValid(SECRET, WS, MSG, expires, signature, NOW + 15 * 60_000)).toBe(false);
    expect(signedMediaPath(SECRET, WS, MSG, NOW + 60_000)).toBe(path);
  });

  it('are not valid for another message, another workspace, another secret, a changed expiry or a forged signature', () => {
    const { expires, signature } = parts(signedMediaPath(SECRET, WS, MSG, NOW));
    expect(mediaSignatureIsValid(SECRET, WS, '33333333-3333-4333-8333-333333333333', expires, signature, NOW)).toBe(false);
    expect(mediaSignatureIsValid(SECRET, '44444444-4444-4444-8444-444444444444', MSG, expires, signature, NOW)).toBe(false);
    expect(mediaSignatureIsValid(`${SECRET}x`, WS, MSG, expires, signature, NOW)).toBe(false);
    expect(mediaSignatureIsValid(SECRET, WS, MSG, expires + 300, signature, NOW)).toBe(false);
    expect(mediaSignatureIsValid(SECRET, WS, MSG, expires, 'ab'.repeat(32), NOW)).toBe(false);
    expect(mediaSignatureIsValid(SECRET, WS, MSG, expires, 'not hex', NOW)).toBe(false);
  });
});
