import { MAX_REGEX_STEPS, checkRegex, regexTest } from './safe-regex';

const EVIL = `${'a'.repeat(40)}!`;

/** What today's backtracking engine answers, for patterns and texts where it answers fast. */
const native = (pattern: string, text: string) => new RegExp(pattern, 'iu').test(text);

describe('regexTest: linear time', () => {
  it('answers the catastrophic patterns at once, with the answer a backtracking engine would take ages to give', () => {
    const started = Date.now();
    // Anchored, nothing matches: a backtracking engine tries 2^40 ways first.
    expect(regexTest('^(a|a)*$', EVIL)).toBe(false);
    expect(regexTest('^(a+)+$', EVIL)).toBe(false);
    // Unanchored, `(a|a)*$` matches the empty string at the end of any text.
    expect(regexTest('(a|a)*$', EVIL)).toBe(true);
    expect(regexTest('^(a|a)*$', 'a'.repeat(4000) + '!')).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
    // The same answers as JavaScript's engine on an input short enough for it.
    expect(native('^(a|a)*$', 'a'.repeat(12) + '!')).toBe(false);
    expect(native('(a|a)*$', 'a'.repeat(12) + '!')).toBe(true);
  });

  it('accepts the catastrophic patterns, since RE2 runs them in linear time', () => {
    expect(checkRegex('(a|a)*$')).toEqual({ ok: true, steps: expect.any(Number) });
    expect(checkRegex('(a+)+$').ok).toBe(true);
  });
});

describe('regexTest: semantics of new RegExp(pattern, "iu")', () => {
  const cases: [string, string][] = [
    ['^track\\s+#?\\d{4,}$', 'TRACK #123456'],
    ['^track\\s+#?\\d{4,}$', 'track abc'],
    ['CAFÉ', 'café au lait'],
    ['ΣΟΦΙΑ', 'σοφια'],
    ['straße', 'STRASSE'],
    ['ß', 'ẞ'],
    ['k', '\u212a'],
    ['^.$', '😀'],
    ['^[😀-😂]$', '😁'],
    ['\\u{1F600}', 'hi 😀'],
    ['\\uD83D\\uDE00', 'hi 😀'],
    ['😀\\uD83D\\uDE00!$', '😀😀!'],
    ['😀\\uD83D\\uDE00!$', '😀😀?'],
    ['\\u00e9', 'É'],
    ['a\\sb', 'a\u00a0b'],
    ['a\\sb', 'a\u2003b'],
    ['a\\Sb', 'a\u00a0b'],
    ['^\\S+$', 'word'],
    ['a.b', 'a\rb'],
    ['a.b', 'a\u2028b'],
    ['a.b', 'a-b'],
    ['a$', 'a\n'],
    ['^b', 'a\nb'],
    ['\\bprice\\b', 'the price!'],
    ['\\bprice\\b', 'priceless'],
    ['^\\w+$', 'über'],
    ['\\d', '٣'],
    ['\\p{L}+', 'ü'],
    ['\\p{Lu}', 'Ü'],
    ['\\p{Letter}', 'ж'],
    ['\\p{Script=Greek}', 'α'],
    ['\\p{sc=Cyrillic}', 'ж'],
    ['\\p{gc=Nd}', '٣'],
    ['^[[:alpha:]+$', '[:a'],
    ['^[[:alpha:]+$', 'b'],
    ['\\p{Emoji}', 'hi 😀'],
    ['[^]', 'x'],
    ['[]', 'x'],
    ['[\\b]', '\b'],
    ['\\cJ', '\n'],
    ['(?<order>\\d+)', 'order 42'],
    ['a\\/b', 'a/b'],
    ['[a\\-z]', '-'],
    ['x{2,3}', 'xx'],
    ['', 'anything'],
  ];
  it.each(cases)('%s against %j answers like JavaScript', (pattern, text) => {
    expect(regexTest(pattern, text)).toBe(native(pattern, text));
  });
});

describe('checkRegex', () => {
  it('refuses backreferences with a reason', () => {
    expect(checkRegex('(a)\\1')).toEqual({ ok: false, reason: 'uses a backreference (\\1, \\k<name>), which cannot be matched in linear time' });
    expect(checkRegex('(?<x>a)\\k<x>').ok).toBe(false);
  });

  it('refuses lookahead and lookbehind with a reason', () => {
    for (const pattern of ['a(?=b)', 'a(?!b)', '(?<=a)b', '(?<!a)b']) {
      expect(checkRegex(pattern)).toEqual({ ok: false, reason: expect.stringContaining('lookahead or lookbehind') });
    }
    // A named group is not a lookbehind.
    expect(checkRegex('(?<name>a)').ok).toBe(true);
  });

  it('refuses invalid patterns with the syntax error', () => {
    expect(checkRegex('(unclosed')).toEqual({ ok: false, reason: expect.stringMatching(/^is not a valid regular expression \(.*Unterminated group\)$/) });
    expect(checkRegex('a{2').ok).toBe(false);
    expect(checkRegex('\\q').ok).toBe(false);
  });

  it('refuses what RE2 does not know, saying so', () => {
    // A script's four-letter alias is JavaScript's, not RE2's.
    expect(checkRegex('\\p{Script=Grek}')).toEqual({ ok: false, reason: expect.stringContaining('linear-time engine (RE2) does not support') });
  });

  it(`refuses a program of more than ${MAX_REGEX_STEPS} steps, and huge repeat counts`, () => {
    expect(checkRegex('(?:\\w+\\s*){1,100}$').ok).toBe(true);
    expect(checkRegex('(?:\\w+\\s*){1,1000}$')).toEqual({ ok: false, reason: expect.stringMatching(/^is too complex to match safely \(5002 steps, at most 1000\)/) });
    expect(checkRegex('a{1001}')).toEqual({ ok: false, reason: expect.stringContaining('is too complex to match safely') });
  });

  it('never lets a refused pattern match, nor throw', () => {
    for (const pattern of ['(unclosed', '(a)\\1', 'a(?=b)', '(?:\\w+\\s*){1,1000}$']) expect(regexTest(pattern, 'a aab (unclosed')).toBe(false);
  });
});
