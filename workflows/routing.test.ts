import { isFlowCancel, isWithinBusinessHours, matchFlowTrigger, matchKeywordRule, normalize, routeInbound, slaDeadlineAfterInbound, type FlowTriggerSnapshot, type RoutingInput, type RuleSnapshot } from './routing';

const rule = (id: string, keywords: string[], matchType: RuleSnapshot['matchType'], priority = 0): RuleSnapshot => ({
  id,
  keywords,
  matchType,
  reply: `reply ${id}`,
  priority,
});

const base: RoutingInput = {
  text: 'hello',
  contactBlocked: false,
  mode: 'BOT',
  rules: [],
  settings: { defaultReply: 'We will get back to you.', awayMessage: 'We are closed.', timeZone: 'UTC', businessHours: null, humanSlaSeconds: null, slaFallbackMessage: null },
  now: new Date('2026-11-23T10:00:00Z'), // a Monday
};

describe('routeInbound', () => {
  it('drops a blocked contact before anything else, even a keyword match', () => {
    expect(routeInbound({ ...base, contactBlocked: true, rules: [rule('r', ['hello'], 'EXACT')] })).toEqual({ kind: 'drop', reason: 'blocked' });
  });

  it('stays silent in human mode, even when a rule matches', () => {
    expect(routeInbound({ ...base, mode: 'HUMAN', rules: [rule('r', ['hello'], 'EXACT')] })).toEqual({ kind: 'human' });
  });

  it('answers with the matching keyword rule', () => {
    expect(routeInbound({ ...base, text: 'What is the price?', rules: [rule('p', ['price'], 'CONTAINS')] })).toEqual({
      kind: 'keyword',
      ruleId: 'p',
      reply: 'reply p',
    });
  });

  it('gives the AI what no rule takes (step 6, before the default and away replies), but not a rule match, human mode or a blank message', () => {
    const ai = { enabled: true, debounceSeconds: 3 };
    expect(routeInbound({ ...base, ai })).toEqual({ kind: 'ai' });
    expect(routeInbound({ ...base, ai, settings: { ...base.settings, businessHours: {} } })).toEqual({ kind: 'ai' });
    expect(routeInbound({ ...base, ai, text: 'price?', rules: [rule('p', ['price'], 'CONTAINS')] }).kind).toBe('keyword');
    expect(routeInbound({ ...base, ai, mode: 'HUMAN' })).toEqual({ kind: 'human' });
    expect(routeInbound({ ...base, ai, text: ' \u200B ' }).kind).toBe('default');
    expect(routeInbound({ ...base, ai: { ...ai, enabled: false } }).kind).toBe('default');
  });

  it('falls back to the default reply inside business hours', () => {
    expect(routeInbound(base)).toEqual({ kind: 'default', reply: 'We will get back to you.' });
  });

  it('sends the away message outside business hours', () => {
    const settings = { ...base.settings, businessHours: { '1': [{ open: '09:00', close: '17:00' }] } };
    expect(routeInbound({ ...base, settings, now: new Date('2026-11-23T18:30:00Z') })).toEqual({ kind: 'away', reply: 'We are closed.' });
    expect(routeInbound({ ...base, settings, now: new Date('2026-11-23T16:59:00Z') })).toEqual({ kind: 'default', reply: 'We will get back to you.' });
  });

  it('says nothing when there is no default reply or away message', () => {
    expect(routeInbound({ ...base, settings: { ...base.settings, defaultReply: null } })).toEqual({ kind: 'none' });
    const closed = { ...base.settings, awayMessage: null, businessHours: {} };
    expect(routeInbound({ ...base, settings: closed })).toEqual({ kind: 'none' });
  });
});

describe('matchKeywordRule', () => {
  it('EXACT ignores case, accents, spacing and trailing punctuation', () => {
    const r = rule('r', ['Hello there'], 'EXACT');
    expect(matchKeywordRule('  héllo   THERE!! ', [r])).toBe(r);
    expect(matchKeywordRule('hello there friend', [r])).toBeUndefined();
  });

  it('CONTAINS matches whole words only', () => {
    const r = rule('r', ['price'], 'CONTAINS');
    expect(matchKeywordRule("what's the PRICE?", [r])).toBe(r);
    expect(matchKeywordRule('price', [r])).toBe(r);
    expect(matchKeywordRule('priceless art', [r])).toBeUndefined();
    expect(matchKeywordRule('the best-price deal', [r])).toBe(r);
  });

  it('CONTAINS matches multi-word keywords', () => {
    const r = rule('r', ['opening hours'], 'CONTAINS');
    expect(matchKeywordRule('what are your opening  hours today', [r])).toBe(r);
  });

  it('STARTS_WITH needs the keyword at the start and a word boundary after it', () => {
    const r = rule('r', ['order'], 'STARTS_WITH');
    expect(matchKeywordRule('Order 1234 status', [r])).toBe(r);
    expect(matchKeywordRule('ordering food', [r])).toBeUndefined();
    expect(matchKeywordRule('my order', [r])).toBeUndefined();
  });

  it('REGEX is case-insensitive and an invalid pattern never matches', () => {
    const r = rule('r', ['^track\\s+#?\\d{4,}$'], 'REGEX');
    expect(matchKeywordRule('TRACK #123456', [r])).toBe(r);
    expect(matchKeywordRule('track abc', [r])).toBeUndefined();
    expect(matchKeywordRule('anything', [rule('bad', ['(unclosed'], 'REGEX')])).toBeUndefined();
  });

  it('REGEX runs in linear time: the catastrophic pattern answers at once, and routing falls through to the default reply', () => {
    const evil = rule('evil', ['^(a|a)*$'], 'REGEX', 10);
    const price = rule('price', ['price'], 'CONTAINS');
    const started = Date.now();
    expect(matchKeywordRule(`${'a'.repeat(40)}!`, [evil])).toBeUndefined();
    expect(matchKeywordRule(`${'a'.repeat(40)}! price?`, [evil, price])).toBe(price);
    expect(routeInbound({ ...base, text: `${'a'.repeat(40)}!`, rules: [evil] })).toEqual({ kind: 'default', reply: 'We will get back to you.' });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('REGEX matches case-insensitively across Unicode, as new RegExp(pattern, "iu") does', () => {
    const r = rule('r', ['^straße\\s+\\p{Lu}\\w*$'], 'REGEX');
    expect(matchKeywordRule('Straße Xyz', [r])).toBe(r);
    // ẞ folds to ß, \s takes a no-break space, and \p{Lu} ignores case too.
    expect(matchKeywordRule('STRAẞE\u00a0äbc', [r])).toBe(r);
    expect(matchKeywordRule('STRASSE Abc', [r])).toBeUndefined();
    expect(matchKeywordRule('ΣΟΦΙΑ', [rule('greek', ['σοφια'], 'REGEX')])?.id).toBe('greek');
  });

  it('REGEX rules RE2 cannot run never match and never throw', () => {
    for (const pattern of ['(a)\\1', 'a(?=b)', '(?<=a)b', '(unclosed']) {
      expect(matchKeywordRule('aa ab (unclosed', [rule('r', [pattern], 'REGEX')])).toBeUndefined();
    }
  });

  it('blank text matches no rule of any kind, even ^\\s*$ or .*, and gets the default reply', () => {
    const rules = [
      rule('blank', ['^\\s*$'], 'REGEX', 9),
      rule('any', ['.*'], 'REGEX', 8),
      rule('exact', [' '], 'EXACT'),
      rule('contains', [' '], 'CONTAINS'),
      rule('starts', [' '], 'STARTS_WITH'),
    ];
    for (const text of ['   ', '', '\n\t', '\u00a0\u2003', '\u200b']) {
      expect(matchKeywordRule(text, rules)).toBeUndefined();
      expect(routeInbound({ ...base, text, rules })).toEqual({ kind: 'default', reply: 'We will get back to you.' });
    }
    expect(matchKeywordRule(' x ', rules)?.id).toBe('any');
  });

  it('any keyword of a rule can match', () => {
    const r = rule('r', ['hours', 'open'], 'CONTAINS');
    expect(matchKeywordRule('are you open on sunday', [r])).toBe(r);
  });

  it('the highest priority wins, and the earlier rule wins a tie', () => {
    const low = rule('low', ['price'], 'CONTAINS', 1);
    const high = rule('high', ['price'], 'CONTAINS', 5);
    const tie = rule('tie', ['price'], 'CONTAINS', 5);
    expect(matchKeywordRule('price?', [low, high, tie])?.id).toBe('high');
    expect(matchKeywordRule('price?', [tie, high])?.id).toBe('tie');
  });

  it('an empty keyword never matches', () => {
    expect(matchKeywordRule('anything', [rule('r', ['  '], 'CONTAINS')])).toBeUndefined();
  });
});

describe('isWithinBusinessHours', () => {
  const hours = { '1': [{ open: '09:00', close: '12:00' }, { open: '13:00', close: '17:30' }], '6': [{ open: '10:00', close: '14:00' }] };

  it('is always open without business hours', () => {
    expect(isWithinBusinessHours({ timeZone: 'UTC', businessHours: null }, new Date('2026-11-22T03:00:00Z'))).toBe(true);
  });

  it('honours several ranges a day, with the close minute exclusive', () => {
    const at = (iso: string) => isWithinBusinessHours({ timeZone: 'UTC', businessHours: hours }, new Date(iso));
    expect(at('2026-11-23T09:00:00Z')).toBe(true);
    expect(at('2026-11-23T12:00:00Z')).toBe(false);
    expect(at('2026-11-23T12:30:00Z')).toBe(false);
    expect(at('2026-11-23T17:29:00Z')).toBe(true);
    expect(at('2026-11-23T17:30:00Z')).toBe(false);
  });

  it('treats a day without ranges as closed', () => {
    expect(isWithinBusinessHours({ timeZone: 'UTC', businessHours: hours }, new Date('2026-11-24T10:00:00Z'))).toBe(false);
  });

  it('reads the hours in the settings time zone', () => {
    // Saturday 08:30 UTC is 09:30 in Berlin (UTC+1 in November): before the 10:00 opening.
    const berlin = { timeZone: 'Europe/Berlin', businessHours: hours };
    expect(isWithinBusinessHours(berlin, new Date('2026-11-28T08:30:00Z'))).toBe(false);
    expect(isWithinBusinessHours(berlin, new Date('2026-11-28T09:30:00Z'))).toBe(true);
    // Monday 08:30 UTC is 09:30 in Berlin: open; in New York it is 03:30: closed.
    expect(isWithinBusinessHours(berlin, new Date('2026-11-23T08:30:00Z'))).toBe(true);
    expect(isWithinBusinessHours({ timeZone: 'America/New_York', businessHours: hours }, new Date('2026-11-23T08:30:00Z'))).toBe(false);
  });
});

describe('normalize', () => {
  it('folds case, accents, whitespace and trailing punctuation', () => {
    expect(normalize('  Ça   VA?! ')).toBe('ca va');
  });
});

describe('slaDeadlineAfterInbound', () => {
  const sla = { humanSlaSeconds: 300 };
  it('starts the clock on the first unanswered message in human mode', () => {
    expect(slaDeadlineAfterInbound(null, 'HUMAN', sla, 1_000)).toBe(301_000);
  });
  it('keeps a running clock: the customer waits since the first message', () => {
    expect(slaDeadlineAfterInbound(50_000, 'HUMAN', sla, 1_000_000)).toBe(50_000);
  });
  it('runs no clock for the bot or without an SLA', () => {
    expect(slaDeadlineAfterInbound(null, 'BOT', sla, 1_000)).toBeNull();
    expect(slaDeadlineAfterInbound(null, 'HUMAN', { humanSlaSeconds: null }, 1_000)).toBeNull();
  });
});

describe('matchFlowTrigger', () => {
  const flow = (flowId: string, over: Partial<FlowTriggerSnapshot> = {}): FlowTriggerSnapshot => ({ flowId, priority: 0, on: 'keyword', keywords: ['book'], matchType: 'CONTAINS', caseSensitive: false, ...over });
  const message = (text: string, over: { hasMedia?: boolean; firstMessage?: boolean } = {}) => ({ text, hasMedia: false, firstMessage: false, ...over });

  it('matches keywords as keyword rules do: whole words, any case, accents ignored', () => {
    expect(matchFlowTrigger(message('I want to BOOK a table'), [flow('a')])?.flowId).toBe('a');
    expect(matchFlowTrigger(message('bookkeeping'), [flow('a')])).toBeUndefined();
    expect(matchFlowTrigger(message('   '), [flow('a', { matchType: 'REGEX', keywords: ['.*'] })])).toBeUndefined();
  });

  it('compares as written when case-sensitive', () => {
    const sensitive = flow('a', { keywords: ['VIP'], matchType: 'EXACT', caseSensitive: true });
    expect(matchFlowTrigger(message('VIP'), [sensitive])?.flowId).toBe('a');
    expect(matchFlowTrigger(message('vip'), [sensitive])).toBeUndefined();
    expect(matchFlowTrigger(message('VIP please'), [flow('b', { keywords: ['VIP'], matchType: 'STARTS_WITH', caseSensitive: true })])?.flowId).toBe('b');
  });

  it('starts a first_message flow only on the first message, a media flow only on media', () => {
    expect(matchFlowTrigger(message('hi', { firstMessage: true }), [flow('f', { on: 'first_message' })])?.flowId).toBe('f');
    expect(matchFlowTrigger(message('hi'), [flow('f', { on: 'first_message' })])).toBeUndefined();
    expect(matchFlowTrigger(message('📷 photo', { hasMedia: true }), [flow('m', { on: 'media' })])?.flowId).toBe('m');
    expect(matchFlowTrigger(message('text'), [flow('m', { on: 'media' })])).toBeUndefined();
  });

  it('takes the highest priority; between equals, the earlier', () => {
    const flows = [flow('low'), flow('high', { priority: 5 }), flow('high-later', { priority: 5 })];
    expect(matchFlowTrigger(message('book'), flows)?.flowId).toBe('high');
  });
});

describe('isFlowCancel', () => {
  it('is the keyword alone, any case, spacing and trailing punctuation ignored', () => {
    expect(isFlowCancel('  Stop! ', 'stop')).toBe(true);
    expect(isFlowCancel('please stop', 'stop')).toBe(false);
    expect(isFlowCancel('stop', '')).toBe(false);
  });
});
