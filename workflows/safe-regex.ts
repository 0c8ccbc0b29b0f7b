/**
 * Regular expressions that cannot stall a workflow. Patterns are written in JavaScript's syntax and
 * mean what `new RegExp(pattern, 'iu')` makes of them, but run on RE2 (re2js, pure JavaScript, so it
 * runs in the workflow sandbox), which matches in time linear in the text: there is no pattern and
 * no input that backtracks. Keyword rules use it; flow conditions and question validation can too.
 *
 * Linear is not yet cheap: RE2's cost per character grows with the compiled program, and a pattern
 * like `(?:\w+\s*){1,1000}$` (5,000 steps) took ~0.8 s on a 4 KB message here. So a program is
 * capped at MAX_REGEX_STEPS (≤ ~8 ms on 4 KB), and callers cap the steps of a whole rule set.
 */
import { RE2JS } from 're2js';

/** The largest compiled program (RE2 instructions) a pattern may have. */
export const MAX_REGEX_STEPS = 1000;

/** A pattern that can run, with the size of its program; or why it cannot, in words for its author. */
export type RegexCheck = { ok: true; steps: number } | { ok: false; reason: string };

/** Compiled patterns, by pattern; a rule is matched against every inbound message. */
const COMPILED_CACHE_SIZE = 256;
const compiled = new Map<string, RE2JS | string>();

/** Whether `pattern` can run here; `reason` completes "keywords.0 …" ("is not a valid regular expression (…)"). */
export function checkRegex(pattern: string): RegexCheck {
  const re = compile(pattern);
  return typeof re === 'string' ? { ok: false, reason: re } : { ok: true, steps: re.re2().numberOfInstructions() };
}

/** Whether `pattern` matches anywhere in `text`, ignoring case; a pattern that cannot run never matches and never throws. */
export function regexTest(pattern: string, text: string): boolean {
  const re = compile(pattern);
  if (typeof re === 'string') return false;
  try {
    return re.test(text);
  } catch {
    // An engine fault must not fail the workflow task: it would be retried forever, the stall this module prevents.
    return false;
  }
}

function compile(pattern: string): RE2JS | string {
  const cached = compiled.get(pattern);
  if (cached !== undefined) return cached;
  const result = compileUncached(pattern);
  // Oldest first out: a Map iterates in insertion order.
  if (compiled.size >= COMPILED_CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
  compiled.set(pattern, result);
  return result;
}

function compileUncached(pattern: string): RE2JS | string {
  try {
    // Syntax only (V8 parses in linear time; the pattern never runs here): the dialect users write is JavaScript's.
    new RegExp(pattern, 'u');
  } catch (err) {
    return `is not a valid regular expression (${(err as Error).message})`;
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(toRe2Syntax(pattern), RE2JS.CASE_INSENSITIVE);
  } catch (err) {
    if (err instanceof UnsupportedSyntax) return err.message;
    return re2Reason((err as Error).message);
  }
  const steps = re.re2().numberOfInstructions();
  if (steps > MAX_REGEX_STEPS) return `is too complex to match safely (${steps} steps, at most ${MAX_REGEX_STEPS}): use fewer or smaller repetitions`;
  return re;
}

function re2Reason(message: string): string {
  const detail = message.replace(/^error parsing regexp: /, '');
  if (/invalid repeat count|expression too large|nesting depth/.test(detail)) {
    return `is too complex to match safely (a repetition count above 1000, or repetitions nested too deep): simplify it`;
  }
  return `uses syntax the linear-time engine (RE2) does not support (${detail})`;
}

class UnsupportedSyntax extends Error {}

/** JavaScript's whitespace (`\s` with the u flag): ASCII controls, every Unicode separator, the BOM. RE2's `\s` is ASCII only. */
const JS_SPACE = '\\t\\n\\v\\f\\r\\p{Z}\\x{FEFF}';
/** JavaScript's `.`: anything but a line terminator. RE2's `.` excludes only \n. */
const JS_DOT = '[^\\n\\r\\x{2028}\\x{2029}]';
const BACKREFERENCE = 'uses a backreference (\\1, \\k<name>), which cannot be matched in linear time';
const LOOKAROUND = 'uses a lookahead or lookbehind ((?=…), (?!…), (?<=…), (?<!…)), which cannot be matched in linear time';

/** General_Category long names JavaScript accepts; RE2 knows only the short ones. */
const CATEGORY_ALIASES: Record<string, string> = {
  Letter: 'L', Cased_Letter: 'LC', Uppercase_Letter: 'Lu', Lowercase_Letter: 'Ll', Titlecase_Letter: 'Lt', Modifier_Letter: 'Lm', Other_Letter: 'Lo',
  Mark: 'M', Combining_Mark: 'M', Nonspacing_Mark: 'Mn', Spacing_Mark: 'Mc', Enclosing_Mark: 'Me',
  Number: 'N', Decimal_Number: 'Nd', digit: 'Nd', Letter_Number: 'Nl', Other_Number: 'No',
  Punctuation: 'P', punct: 'P', Connector_Punctuation: 'Pc', Dash_Punctuation: 'Pd', Open_Punctuation: 'Ps', Close_Punctuation: 'Pe',
  Initial_Punctuation: 'Pi', Final_Punctuation: 'Pf', Other_Punctuation: 'Po',
  Symbol: 'S', Math_Symbol: 'Sm', Currency_Symbol: 'Sc', Modifier_Symbol: 'Sk', Other_Symbol: 'So',
  Separator: 'Z', Space_Separator: 'Zs', Line_Separator: 'Zl', Paragraph_Separator: 'Zp',
  Other: 'C', Control: 'Cc', cntrl: 'Cc', Format: 'Cf', Surrogate: 'Cs', Private_Use: 'Co', Unassigned: 'Cn',
};

/**
 * Rewrites a pattern that is valid JavaScript (u flag) into RE2 syntax with the same meaning where
 * the two differ; throws UnsupportedSyntax for what RE2 cannot do. The u flag's strict grammar (no
 * lone `]` or `{`, no unknown escapes) is what makes one pass over code points enough.
 */
function toRe2Syntax(pattern: string): string {
  const chars = Array.from(pattern);
  let out = '';
  let inClass = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\') {
      const { re2, length } = translateEscape(chars, i + 1, inClass);
      out += re2;
      i += length;
    } else if (inClass) {
      if (c === ']') inClass = false;
      // RE2 reads "[:alpha:]" inside a class as a POSIX class; in JavaScript "[" is just a character there.
      out += c === '[' ? '\\[' : c;
    } else if (c === '[') {
      const rest = chars.slice(i + 1, i + 3).join('');
      if (rest.startsWith(']')) {
        out += '[^\\x00-\\x{10FFFF}]'; // JavaScript's [] matches nothing
        i += 1;
      } else if (rest === '^]') {
        out += '[\\x00-\\x{10FFFF}]'; // and [^] anything
        i += 2;
      } else {
        inClass = true;
        out += c;
        if (chars[i + 1] === '^') out += chars[++i];
      }
    } else if (c === '(' && chars[i + 1] === '?') {
      const kind = chars.slice(i + 2, i + 4).join('');
      if (kind[0] === '=' || kind[0] === '!' || kind === '<=' || kind === '<!') throw new UnsupportedSyntax(LOOKAROUND);
      out += c;
    } else if (c === '.') {
      out += JS_DOT;
    } else {
      out += c;
    }
  }
  return out;
}

/** The escape whose letter is at `chars[at]`: its RE2 spelling and how many code points after the backslash it used. */
function translateEscape(chars: string[], at: number, inClass: boolean): { re2: string; length: number } {
  const c = chars[at];
  if (/[1-9]/.test(c) || c === 'k') throw new UnsupportedSyntax(BACKREFERENCE);
  switch (c) {
    case 's':
      return { re2: inClass ? JS_SPACE : `[${JS_SPACE}]`, length: 1 };
    case 'S':
      // Inside a class RE2's ASCII \S stands in: a complement cannot be spelled inside a union.
      return { re2: inClass ? '\\S' : `[^${JS_SPACE}]`, length: 1 };
    case 'b':
      return { re2: inClass ? '\\x{8}' : '\\b', length: 1 };
    case '0':
      return { re2: '\\x{0}', length: 1 };
    case 'c':
      return { re2: `\\x{${(chars[at + 1].codePointAt(0)! % 32).toString(16)}}`, length: 2 };
    case 'u':
      return unicodeEscape(chars, at);
    case 'p':
    case 'P':
      return propertyEscape(chars, at);
    default:
      return { re2: `\\${c}`, length: 1 };
  }
}

/** `\u{1F600}`, `\u00e9`, and a surrogate pair `\uD83D\uDE00` (one code point, as the u flag reads it). */
function unicodeEscape(chars: string[], at: number): { re2: string; length: number } {
  if (chars[at + 1] === '{') {
    const close = chars.indexOf('}', at);
    return { re2: `\\x{${chars.slice(at + 2, close).join('')}}`, length: close - at + 1 };
  }
  const unit = (from: number) => parseInt(chars.slice(from, from + 4).join(''), 16);
  const high = unit(at + 1);
  if (high >= 0xd800 && high <= 0xdbff && chars[at + 5] === '\\' && chars[at + 6] === 'u') {
    const low = unit(at + 7);
    if (low >= 0xdc00 && low <= 0xdfff) return { re2: `\\x{${(((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000).toString(16)}}`, length: 11 };
  }
  return { re2: `\\x{${high.toString(16)}}`, length: 5 };
}

/** `\p{Script=Greek}` and `\p{Letter}` as RE2 spells them (`\p{Greek}`, `\p{L}`). */
function propertyEscape(chars: string[], at: number): { re2: string; length: number } {
  const close = chars.indexOf('}', at);
  const body = chars.slice(at + 2, close).join('');
  const [key, value] = body.includes('=') ? body.split('=') : [null, body];
  const name = key === 'General_Category' || key === 'gc' || key === null ? (CATEGORY_ALIASES[value] ?? value) : value;
  return { re2: `\\${chars[at]}{${name}}`, length: close - at + 1 };
}
