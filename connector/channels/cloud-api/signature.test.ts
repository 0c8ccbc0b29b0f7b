import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../../../test/support/fixtures';
import { signBody, verifySignature } from './signature';

// fixtures/cloud-api/NOTES.md §2.
const PUBLISHED = 'sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914';
const META_TEXT = 'sha256=a0b920aa238bb2b2ae8a520acc96012071f452329ab312b098e170cea71e3ba5';

describe('X-Hub-Signature-256', () => {
  it('matches the published vector (body "test", secret "secret")', () => {
    expect(signBody('test', 'secret')).toBe(PUBLISHED);
    expect(verifySignature(Buffer.from('test'), PUBLISHED, 'secret')).toBe(true);
  });

  it('matches the regression vector over the exact bytes of meta-text.json', () => {
    const bytes = cloudFixture('meta-text.json');
    expect(bytes.length).toBe(985);
    expect(verifySignature(bytes, META_TEXT, 'test-app-secret')).toBe(true);
  });

  it('fails for the same JSON re-serialized before hashing', () => {
    const bytes = cloudFixture('meta-text.json');
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(bytes.toString('utf8'))));
    expect(verifySignature(reserialized, META_TEXT, 'test-app-secret')).toBe(false);
  });

  it('fails for a non-ASCII body hashed decoded instead of as the escaped bytes Meta sends', () => {
    const escaped = Buffer.from('{"a":"\\u00e4\\u00f6\\u00e5"}');
    const header = signBody(escaped, 's');
    expect(verifySignature(escaped, header, 's')).toBe(true);
    expect(verifySignature(Buffer.from('{"a":"äöå"}'), header, 's')).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['without the sha256= prefix', PUBLISHED.slice('sha256='.length)],
    ['sha1', 'sha1=0329a06b62cd16b33eb6792be8c60b158d89a2ee'],
    ['truncated', PUBLISHED.slice(0, -2)],
    ['one digit off', PUBLISHED.slice(0, -1) + '5'],
  ])('refuses a %s header', (_what, header) => {
    expect(verifySignature(Buffer.from('test'), header, 'secret')).toBe(false);
  });

  it('refuses the right signature under another secret', () => {
    expect(verifySignature(Buffer.from('test'), PUBLISHED, 'other')).toBe(false);
  });

  it('takes upper-case hex digits', () => {
    expect(verifySignature(Buffer.from('test'), 'sha256=' + PUBLISHED.slice(7).toUpperCase(), 'secret')).toBe(true);
  });
});

/** A Cloud API fixture's exact bytes. */
function cloudFixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, 'cloud-api', name));
}
