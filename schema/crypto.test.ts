import { randomBytes } from 'node:crypto';
import { DecryptionError, decryptSecret, encryptSecret } from './crypto';

const key = randomBytes(32);

describe('secrets at rest', () => {
  it('round-trips and never stores the plaintext', () => {
    const sealed = encryptSecret(key, '{"accessToken":"EAAG-secret"}', 'channel:1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('EAAG');
    expect(decryptSecret(key, sealed, 'channel:1')).toBe('{"accessToken":"EAAG-secret"}');
  });

  it('uses a fresh nonce each time', () => {
    expect(encryptSecret(key, 'same', 'a')).not.toBe(encryptSecret(key, 'same', 'a'));
  });

  it('refuses another key, another row, and a tampered value', () => {
    const sealed = encryptSecret(key, 'token', 'channel:1');
    expect(() => decryptSecret(randomBytes(32), sealed, 'channel:1')).toThrow(DecryptionError);
    expect(() => decryptSecret(key, sealed, 'channel:2')).toThrow(DecryptionError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => decryptSecret(key, parts.join('.'), 'channel:1')).toThrow(DecryptionError);
    expect(() => decryptSecret(key, 'plain text', 'channel:1')).toThrow('not a sealed secret');
  });

  it('insists on a 256-bit key', () => {
    expect(() => encryptSecret(randomBytes(16), 'x', 'a')).toThrow('ENCRYPTION_KEY must be 32 bytes');
  });
});
