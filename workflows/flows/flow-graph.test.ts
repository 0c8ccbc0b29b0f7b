import type { FlowDefinition, FlowNode, QuestionData } from './definition';
import { afterWrongAnswer, checkAnswer, conditionBranch, enterNode, nextNode, pickPath, replyBranch, triggerNode, type ConditionContext } from './flow-graph';

const at = { x: 0, y: 0 };
const scope = { contact: { name: 'Ana', phone: '+4915112300001', fields: { tier: 'gold' } }, variables: { email: 'ana@example.com', count: 3 } };
const ctx: ConditionContext = { text: 'I want to BOOK a table', variables: { count: 3, email: 'ana@example.com' }, fields: { tier: 'gold' }, labels: ['vip', 'berlin'] };

const flow: FlowDefinition = {
  nodes: [
    { id: 't', type: 'trigger', data: { on: 'keyword', keywords: ['book'] }, position: at },
    { id: 'menu', type: 'message', data: { text: 'Hi {{contact.name}}', buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] }, position: at },
    { id: 'ok', type: 'end', data: {}, position: at },
    { id: 'bye', type: 'end', data: {}, position: at },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'menu' },
    { id: 'e2', source: 'menu', target: 'ok', sourceHandle: 'yes' },
    { id: 'e3', source: 'menu', target: 'bye' },
  ],
};

describe('moving through the graph', () => {
  test('the trigger leads by its default edge; a branch takes its own edge, one without an edge the default', () => {
    expect(triggerNode(flow)?.id).toBe('t');
    expect(nextNode(flow, 't', null)?.id).toBe('menu');
    expect(nextNode(flow, 'menu', 'yes')?.id).toBe('ok');
    expect(nextNode(flow, 'menu', 'no')?.id).toBe('bye');
    expect(nextNode(flow, 'ok', null)).toBeNull();
  });

  test('a `default` handle counts as the default way on', () => {
    const def: FlowDefinition = { nodes: flow.nodes, edges: [{ id: 'x', source: 'menu', target: 'bye', sourceHandle: 'default' }] };
    expect(nextNode(def, 'menu', 'r1')?.id).toBe('bye');
  });
});

describe('entering each node type', () => {
  const enter = (node: Omit<FlowNode, 'position'>) => enterNode({ ...node, position: at } as FlowNode, scope, ctx);

  test('trigger moves on; message renders variables and waits only when it has buttons or a list', () => {
    expect(enter({ id: 't', type: 'trigger', data: { on: 'api' } })).toEqual({ kind: 'go', branch: null });
    expect(enter({ id: 'm', type: 'message', data: { text: 'Hello {{contact.name}}, {{email}}' } })).toEqual({
      kind: 'send', waitForReply: false, message: { text: 'Hello Ana, ana@example.com', mediaUrl: null, buttons: [], list: null },
    });
    const withButtons = enter({ id: 'm', type: 'message', data: { text: 'Pick', buttons: [{ id: 'a', title: 'A' }] } });
    expect(withButtons).toMatchObject({ kind: 'send', waitForReply: true });
    const withList = enter({ id: 'm', type: 'message', data: { text: 'Pick', list: { button: 'Menu', rows: [{ id: 'r', title: 'R' }] } } });
    expect(withList).toMatchObject({ kind: 'send', waitForReply: true });
  });

  test('question asks with its timeout; a choice question offers buttons up to three, a list beyond', () => {
    expect(enter({ id: 'q', type: 'question', data: { text: 'Email, {{contact.name}}?', input: 'email', saveAs: 'email', timeoutSeconds: 86400 } }))
      .toEqual({ kind: 'ask', timeoutSeconds: 86400, message: { text: 'Email, Ana?', mediaUrl: null, buttons: [], list: null } });
    const three = enter({ id: 'q', type: 'question', data: { text: 'Size?', input: 'choice', choices: ['S', 'M', 'L'], saveAs: 'size' } });
    expect(three).toMatchObject({ kind: 'ask', timeoutSeconds: null, message: { buttons: [{ id: 'choice:0', title: 'S' }, { id: 'choice:1', title: 'M' }, { id: 'choice:2', title: 'L' }], list: null } });
    const four = enter({ id: 'q', type: 'question', data: { text: 'Size?', input: 'choice', choices: ['XS', 'S', 'M', 'L'], saveAs: 'size' } });
    expect(four).toMatchObject({ message: { buttons: [], list: { button: 'Choose', rows: [{ id: 'choice:0', title: 'XS' }, {}, {}, { id: 'choice:3', title: 'L' }] } } });
  });

  test('condition, delay, setVariable, tag, webhook, ai, handover and end', () => {
    expect(enter({ id: 'c', type: 'condition', data: { rules: [{ id: 'r1', subject: 'text', op: 'contains', value: 'book' }] } })).toEqual({ kind: 'go', branch: 'r1' });
    expect(enter({ id: 'd', type: 'delay', data: { seconds: 172800 } })).toEqual({ kind: 'sleep', seconds: 172800 });
    expect(enter({ id: 's', type: 'setVariable', data: { name: 'greeting', value: 'Hi {{contact.name}}' } })).toEqual({ kind: 'set', name: 'greeting', value: 'Hi Ana' });
    expect(enter({ id: 'g', type: 'tag', data: { add: ['lead'] } })).toEqual({ kind: 'tag', add: ['lead'], remove: [] });
    expect(enter({ id: 'w', type: 'webhook', data: { method: 'POST', url: 'https://crm.example/{{contact.phone}}', headers: { 'x-tier': '{{contact.fields.tier}}' }, body: '{"email":"{{email}}"}', saveAs: 'crm' } }))
      .toEqual({ kind: 'webhook', request: { method: 'POST', url: 'https://crm.example/+4915112300001', headers: { 'x-tier': 'gold' }, body: '{"email":"ana@example.com"}', saveAs: 'crm', responsePath: null, retries: 3 } });
    expect(enter({ id: 'a', type: 'ai', data: { prompt: 'Help {{contact.name}}' } })).toEqual({ kind: 'ai', prompt: 'Help Ana', knowledgeBaseId: null });
    expect(enter({ id: 'h', type: 'handover', data: {} })).toEqual({ kind: 'handover', note: null });
    expect(enter({ id: 'e', type: 'end', data: {} })).toEqual({ kind: 'end' });
  });
});

describe('replies to buttons and lists', () => {
  const message = { text: 'Pick', mediaUrl: null, buttons: [{ id: 'yes', title: 'Yes please' }], list: { button: 'More', rows: [{ id: 'later', title: 'Later' }] } };
  test('a tapped id, or its title typed in any case, picks the branch; anything else none', () => {
    expect(replyBranch(message, { text: 'whatever', replyId: 'yes' })).toBe('yes');
    expect(replyBranch(message, { text: ' YES PLEASE ' })).toBe('yes');
    expect(replyBranch(message, { text: 'later' })).toBe('later');
    expect(replyBranch(message, { text: 'maybe' })).toBeNull();
  });
});

describe('answers to questions', () => {
  const q = (input: QuestionData['input'], extra: Partial<QuestionData> = {}): QuestionData => ({ text: '?', input, saveAs: 'x', ...extra });

  test('each input type accepts its kind of answer and saves it normalized', () => {
    expect(checkAnswer(q('text'), { text: '  Ana ' })).toEqual({ ok: true, value: 'Ana' });
    expect(checkAnswer(q('number'), { text: '4,5' })).toEqual({ ok: true, value: 4.5 });
    expect(checkAnswer(q('email'), { text: 'Ana@Example.com' })).toEqual({ ok: true, value: 'ana@example.com' });
    expect(checkAnswer(q('phone'), { text: '+49 151 123-4567' })).toEqual({ ok: true, value: '+491511234567' });
    expect(checkAnswer(q('date'), { text: '24/12/2026' })).toEqual({ ok: true, value: '2026-12-24' });
    expect(checkAnswer(q('date'), { text: '2026-02-03' })).toEqual({ ok: true, value: '2026-02-03' });
    expect(checkAnswer(q('choice', { choices: ['Small', 'Large'] }), { text: 'large' })).toEqual({ ok: true, value: 'Large' });
    expect(checkAnswer(q('choice', { choices: ['Small', 'Large'] }), { text: 'tap', replyId: 'choice:0' })).toEqual({ ok: true, value: 'Small' });
  });

  test('wrong answers are refused with the question\'s error message or a clear default', () => {
    expect(checkAnswer(q('email', { errorMessage: 'An email, please' }), { text: 'not-an-email' })).toEqual({ ok: false, error: 'An email, please' });
    expect(checkAnswer(q('number'), { text: 'many' })).toMatchObject({ ok: false, error: expect.stringMatching(/number/) });
    expect(checkAnswer(q('date'), { text: '31/02/2026' })).toMatchObject({ ok: false });
    expect(checkAnswer(q('phone'), { text: 'call me' })).toMatchObject({ ok: false });
    expect(checkAnswer(q('choice', { choices: ['Small'] }), { text: 'huge' })).toMatchObject({ ok: false, error: 'Please choose one of: Small.' });
    expect(checkAnswer(q('text'), { text: '   ' })).toMatchObject({ ok: false });
  });

  test('a validation regex runs on RE2: the pattern that stalled keyword rules answers at once (it matches the empty tail)', () => {
    expect(checkAnswer(q('text', { validation: '^[A-Z]{2}\\d{4}$' }), { text: 'ab1234' })).toEqual({ ok: true, value: 'ab1234' });
    expect(checkAnswer(q('text', { validation: '^[A-Z]{2}\\d{4}$' }), { text: 'ab12' })).toMatchObject({ ok: false });
    expect(checkAnswer(q('text', { validation: '(a|a)*$' }), { text: `${'a'.repeat(40)}!` })).toEqual({ ok: true, value: `${'a'.repeat(40)}!` });
  });

  test('retries: asked again while retries remain (default 2), then the invalid branch', () => {
    expect(afterWrongAnswer(q('email'), 1)).toBe('retry');
    expect(afterWrongAnswer(q('email'), 2)).toBe('retry');
    expect(afterWrongAnswer(q('email'), 3)).toBe('invalid');
    expect(afterWrongAnswer(q('email', { retries: 0 }), 1)).toBe('invalid');
  });
});

describe('conditions', () => {
  const branch = (rules: Parameters<typeof conditionBranch>[0]['rules']) => conditionBranch({ rules }, ctx);
  test('the first matching rule wins; none matching is default', () => {
    expect(branch([{ id: 'a', subject: 'text', op: 'equals', value: 'x' }, { id: 'b', subject: 'text', op: 'startsWith', value: 'i want' }, { id: 'c', subject: 'text', op: 'contains', value: 'book' }])).toBe('b');
    expect(branch([{ id: 'a', subject: 'text', op: 'equals', value: 'x' }])).toBe('default');
  });
  test('every subject and operator', () => {
    expect(branch([{ id: 'r', subject: 'variable:count', op: 'gt', value: '2' }])).toBe('r');
    expect(branch([{ id: 'r', subject: 'variable:count', op: 'lt', value: '2' }])).toBe('default');
    expect(branch([{ id: 'r', subject: 'variable:email', op: 'gt', value: '2' }])).toBe('default');
    expect(branch([{ id: 'r', subject: 'variable:missing', op: 'isEmpty' }])).toBe('r');
    expect(branch([{ id: 'r', subject: 'field:tier', op: 'equals', value: 'GOLD' }])).toBe('r');
    expect(branch([{ id: 'r', subject: 'label', op: 'equals', value: 'vip' }])).toBe('r');
    expect(branch([{ id: 'r', subject: 'label', op: 'equals', value: 'paris' }])).toBe('default');
    expect(branch([{ id: 'r', subject: 'text', op: 'regex', value: '\\bbook\\b' }])).toBe('r');
    expect(conditionBranch({ rules: [{ id: 'r', subject: 'label', op: 'isEmpty' }] }, { ...ctx, labels: [] })).toBe('r');
  });
});

test('a webhook response is read at a dotted path, or whole', () => {
  const body = { order: { status: 'shipped', items: [{ name: 'Loaf' }] } };
  expect(pickPath(body, 'order.status')).toBe('shipped');
  expect(pickPath(body, 'order.items.0.name')).toBe('Loaf');
  expect(pickPath(body, 'order.missing.deep')).toBeUndefined();
  expect(pickPath(body, null)).toBe(body);
});
