/**
 * New passwords must not be easy to guess: zxcvbn-ts with its common-password and name
 * dictionaries scores each one (0–4); below MIN_PASSWORD_SCORE is refused.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';

/** zxcvbn's "safely unguessable: moderate protection from offline slow-hash scenario". */
const MIN_PASSWORD_SCORE = 3;

const zxcvbn = new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });

// zxcvbn-ts names its warnings by key; the English texts live in a package we do not load.
const WARNINGS: Record<string, string> = {
  topTen: 'it is one of the most used passwords',
  topHundred: 'it is one of the most used passwords',
  common: 'it is a commonly used password',
  similarToCommon: 'it is too close to a commonly used password',
  wordByItself: 'a single word is easy to guess',
  namesByThemselves: 'names on their own are easy to guess',
  commonNames: 'common names are easy to guess',
  userInputs: 'it contains your name, email or the product name',
  straightRow: 'a row of keys on the keyboard is easy to guess',
  keyPattern: 'a short keyboard pattern is easy to guess',
  simpleRepeat: 'repeated characters like "aaa" are easy to guess',
  extendedRepeat: 'repeated patterns like "abcabc" are easy to guess',
  sequences: 'sequences like "abc" or "6543" are easy to guess',
  recentYears: 'recent years are easy to guess',
  dates: 'dates are easy to guess',
};

/** Why a password is too weak, or null when it is strong enough; `userInputs` are the account's own words (email, name). */
export function passwordWeakness(password: string, userInputs: string[] = []): string | null {
  const result = zxcvbn.check(password, [...userInputs, 'parley']);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const why = (result.feedback.warning && WARNINGS[result.feedback.warning]) || 'it is easy to guess';
  return `is too easy to guess (${why}); use a few uncommon words, like a short phrase`;
}
