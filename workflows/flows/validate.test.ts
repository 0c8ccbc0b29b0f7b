import type { FlowDefinition, FlowEdge, FlowNode } from './definition';
import { validateFlow, nodeBranches, usedVariables } from './validate';

const node = (id: string, type: string, data: object = {}): FlowNode => ({ id, type, data, position: { x: 0, y: 0 } }) as FlowNode;
let edgeCount = 0;
const edge = (source: string, target: string, sourceHandle?: string): FlowEdge => ({ id: `e${++edgeCount}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) });
const flow = (nodes: FlowNode[], edges: FlowEdge[]): FlowDefinition => ({ nodes, edges });

const trigger = (data: object = { on: 'keyword', keywords: ['book'] }) => node('start', 'trigger', data);
const end = node('end', 'end');
/** trigger → the node → end. */
const around = (middle: FlowNode, extraEdges: FlowEdge[] = []) => flow([trigger(), middle, end], [edge('start', middle.id), edge(middle.id, 'end'), ...extraEdges]);
const messagesOf = (def: FlowDefinition, nodeId: string | null) => validateFlow(def).filter((p) => p.nodeId === nodeId).map((p) => p.message);

/** Every node type, every branch wired: the flow a booking bot owner would build. */
const everything = flow(
  [
    trigger({ on: 'keyword', keywords: ['^book(ing)?$'], matchType: 'REGEX' }),
    node('ask', 'question', { text: 'Your email, {{contact.name}}?', input: 'email', saveAs: 'email', validation: '^[^@]+@[^@]+$', retries: 2, timeoutSeconds: 86_400 }),
    node('check', 'condition', { rules: [{ id: 'vip', subject: 'variable:email', op: 'contains', value: '@vip.example' }, { id: 'big', subject: 'field:orders', op: 'gt', value: '10' }] }),
    node('wait', 'delay', { seconds: 2 * 86_400 }),
    node('set', 'setVariable', { name: 'greeting', value: 'Hi {{contact.name}}' }),
    node('tag', 'tag', { add: ['lead'], remove: ['cold'] }),
    node('hook', 'webhook', { method: 'POST', url: 'https://crm.example.com/leads?e={{email}}', body: '{"email":"{{email}}"}', headers: { authorization: 'Bearer x' }, saveAs: 'crm', responsePath: 'id' }),
    node('menu', 'message', { text: '{{greeting}}, saved as {{crm}}. More?', buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] }),
    node('list', 'message', { text: 'Pick one', list: { button: 'Options', rows: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B', description: 'the other' }] } }),
    node('ai', 'ai', { prompt: 'Answer {{contact.name}}' }),
    node('human', 'handover', { note: 'VIP {{email}}' }),
    node('bye', 'message', { text: 'Bye', mediaUrl: 'https://cdn.example.com/bye.png' }),
    end,
  ],
  [
    edge('start', 'ask'),
    edge('ask', 'check'),
    edge('ask', 'human', 'invalid'),
    edge('ask', 'end', 'timeout'),
    edge('check', 'human', 'vip'),
    edge('check', 'wait', 'big'),
    edge('check', 'set', 'default'),
    edge('wait', 'set'),
    edge('set', 'tag'),
    edge('tag', 'hook'),
    edge('hook', 'menu', 'success'),
    edge('hook', 'human', 'error'),
    edge('menu', 'list', 'yes'),
    edge('menu', 'bye', 'no'),
    edge('menu', 'bye'),
    // Back to the menu: a loop, but one that waits for the contact's press.
    edge('list', 'menu', 'a'),
    edge('list', 'ai', 'b'),
    edge('ai', 'bye'),
    edge('ai', 'human', 'error'),
    edge('bye', 'end'),
  ],
);

test('a complete flow with every node type and branch has no problems', () => {
  expect(validateFlow(everything)).toEqual([]);
});

test('a minimal trigger → message → end flow has no problems', () => {
  expect(validateFlow(around(node('hi', 'message', { text: 'Hello' })))).toEqual([]);
});

describe('structure', () => {
  it('needs exactly one trigger', () => {
    expect(messagesOf(flow([node('hi', 'message', { text: 'x' }), end], [edge('hi', 'end')]), null)).toEqual(['a flow needs a trigger: what starts it']);
    const two = flow([trigger(), node('start2', 'trigger', { on: 'first_message' }), end], [edge('start', 'end'), edge('start2', 'end')]);
    expect(messagesOf(two, 'start2')).toEqual(['a flow has exactly one trigger; this is one of 2']);
    expect(messagesOf(two, 'start')).toEqual([]);
  });

  it('reports edges to and from nodes that do not exist', () => {
    const def = around(node('hi', 'message', { text: 'x' }), [edge('hi', 'ghost'), { id: 'stray', source: 'phantom', target: 'end' }]);
    expect(messagesOf(def, 'hi')).toContain('an edge leads to a node that does not exist (ghost)');
    expect(messagesOf(def, 'stray')).toEqual(['edge stray leaves from a node that does not exist (phantom)']);
  });

  it('reports ids used twice', () => {
    const hi = node('hi', 'message', { text: 'x' });
    const def = around(hi);
    def.nodes.push(node('hi', 'end'));
    def.edges.push({ ...def.edges[0], source: 'start', target: 'end' });
    expect(messagesOf(def, 'hi')).toContain('the id "hi" belongs to more than one node');
    expect(messagesOf(def, def.edges[0].id)).toEqual([`the id "${def.edges[0].id}" belongs to more than one edge`]);
  });

  it('reports a node with no way in, one unreachable from the trigger, and one with no way out', () => {
    const def = flow(
      [trigger(), node('hi', 'message', { text: 'x' }), node('orphan', 'message', { text: 'y' }), node('island', 'message', { text: 'z' }), node('dead', 'tag', { add: ['x'] }), end],
      [edge('start', 'hi'), edge('hi', 'dead'), edge('orphan', 'island'), edge('island', 'end')],
    );
    expect(messagesOf(def, 'orphan')).toEqual(['no edge leads to this node: a run can never reach it']);
    expect(messagesOf(def, 'island')).toEqual(['this node cannot be reached from the trigger']);
    expect(messagesOf(def, 'dead')).toEqual(['no edge leaves this tag node: connect it to the next step, or to an end']);
    // An end needs no way out (only the island leads to it here); a trigger with nothing after it is reported.
    expect(messagesOf(def, 'end')).toEqual(['this node cannot be reached from the trigger']);
    expect(messagesOf(flow([trigger()], []), 'start')).toEqual(['no edge leaves this trigger node: connect it to the next step, or to an end']);
    expect(validateFlow(flow([trigger(), node('h', 'handover')], [edge('start', 'h')]))).toEqual([]);
  });

  it('reports an edge back into the trigger', () => {
    const def = around(node('hi', 'question', { text: 'x', input: 'text', saveAs: 'x' }), [edge('hi', 'start', 'timeout')]);
    expect(messagesOf(def, 'hi')).toEqual(['an edge leads back into the trigger: lead to the step after it instead']);
  });

  it('reports a sourceHandle that names no branch of its node, and two edges by one branch', () => {
    const buttons = node('hi', 'message', { text: 'x', buttons: [{ id: 'yes', title: 'Yes' }] });
    const def = around(buttons, [edge('hi', 'end', 'maybe'), edge('hi', 'end', 'yes'), edge('hi', 'end', 'yes'), edge('start', 'end', 'timeout')]);
    expect(messagesOf(def, 'hi')).toEqual(['an edge leaves by "maybe", which is not a branch of this message node', 'more than one edge leaves by "yes"']);
    expect(messagesOf(def, 'start')).toEqual(['an edge leaves by "timeout", which is not a branch of this trigger node']);
    expect(messagesOf(around(node('hi', 'message', { text: 'x' }), [edge('hi', 'end')]), 'hi')).toEqual(['more than one edge leaves by the default way: a run can take only one']);
  });

  it('names every branch a node has', () => {
    const byId = new Map(everything.nodes.map((n) => [n.id, n]));
    expect(nodeBranches(byId.get('ask')!)).toEqual(['invalid', 'timeout']);
    expect(nodeBranches(byId.get('check')!)).toEqual(['default', 'vip', 'big']);
    expect(nodeBranches(byId.get('hook')!)).toEqual(['success', 'error']);
    expect(nodeBranches(byId.get('menu')!)).toEqual(['yes', 'no']);
    expect(nodeBranches(byId.get('list')!)).toEqual(['a', 'b']);
    expect(nodeBranches(byId.get('ai')!)).toEqual(['error']);
    expect(nodeBranches(byId.get('end')!)).toEqual([]);
  });
});

describe('loops', () => {
  it('reports a loop with no question or delay in it, on its first node', () => {
    const def = flow(
      [trigger(), node('a', 'message', { text: 'a' }), node('b', 'webhook', { method: 'GET', url: 'https://x.example' }), end],
      [edge('start', 'a'), edge('a', 'b'), edge('b', 'a', 'success'), edge('b', 'end', 'error')],
    );
    expect(messagesOf(def, 'a')).toEqual(['a loop (a → b → a) has no question or delay in it: a run would go round it forever']);
    expect(messagesOf(def, 'b')).toEqual([]);
  });

  it('reports a node that leads to itself', () => {
    const def = around(node('w', 'webhook', { method: 'GET', url: 'https://x.example' }), [edge('w', 'w', 'error')]);
    expect(messagesOf(def, 'w')).toEqual(['a loop (w → w) has no question or delay in it: a run would go round it forever']);
  });

  it('accepts a loop that waits on a question, a delay, or buttons', () => {
    const a = node('a', 'message', { text: 'a' });
    const question = node('w', 'question', { text: 'again?', input: 'text', saveAs: 'again' });
    expect(validateFlow(flow([trigger(), a, question, end], [edge('start', 'a'), edge('a', 'w'), edge('w', 'a'), edge('w', 'end', 'timeout')]))).toEqual([]);
    const delay = node('w', 'delay', { seconds: 60 });
    expect(validateFlow(flow([trigger(), a, delay], [edge('start', 'a'), edge('a', 'w'), edge('w', 'a')]))).toEqual([]);
    const buttons = node('w', 'message', { text: 'again?', buttons: [{ id: 'again', title: 'Again' }] });
    expect(validateFlow(flow([trigger(), a, buttons, end], [edge('start', 'a'), edge('a', 'w'), edge('w', 'a', 'again'), edge('w', 'end')]))).toEqual([]);
  });
});

describe('trigger data', () => {
  const only = (data: object) => messagesOf(flow([trigger(data), end], [edge('start', 'end')]), 'start');
  it('needs a known event', () => expect(only({ on: 'sunrise' })).toEqual(['the trigger needs "on": one of first_message, keyword, label_added, media, api, schedule']));
  it('needs keywords for a keyword trigger, and a known matchType', () => {
    expect(only({ on: 'keyword' })).toEqual(['a keyword trigger needs at least one keyword']);
    expect(only({ on: 'keyword', keywords: ['  '] })).toEqual(['a keyword trigger needs at least one keyword']);
    expect(only({ on: 'keyword', keywords: ['x'], matchType: 'FUZZY' })).toEqual(['matchType: must be one of EXACT, CONTAINS, STARTS_WITH, REGEX']);
  });
  it('refuses an invalid and a catastrophic regex keyword, as keyword rules do', () => {
    expect(only({ on: 'keyword', keywords: ['(unclosed'], matchType: 'REGEX' })[0]).toMatch(/^keyword "\(unclosed" is not a valid regular expression/);
    expect(only({ on: 'keyword', keywords: ['(a+)+\\1'], matchType: 'REGEX' })[0]).toMatch(/^keyword "\(a\+\)\+\\1" uses /);
    expect(only({ on: 'keyword', keywords: ['(?:\\w+\\s*){1,1000}$'], matchType: 'REGEX' })[0]).toMatch(/is too complex to match safely/);
  });
  it('needs the label of a label_added trigger', () => expect(only({ on: 'label_added' })).toEqual(['a label trigger needs the label it waits for']));
  it('needs a valid cron for a schedule', () => {
    expect(only({ on: 'schedule', cron: '0 9 * * MON-FRI' })).toEqual([]);
    expect(only({ on: 'schedule' })).toEqual(['cron: is required']);
    expect(only({ on: 'schedule', cron: '61 9 * * *' })).toEqual(['cron: minute "61": must be 0-59']);
    expect(only({ on: 'schedule', cron: '0 9 * *' })).toEqual(['cron: needs 5 fields (minute hour day-of-month month day-of-week), not 4']);
  });
  it('takes first_message, media and api without more', () => {
    for (const on of ['first_message', 'media', 'api']) expect(only({ on })).toEqual([]);
  });
});

describe('message data', () => {
  const of = (data: object) => messagesOf(around(node('m', 'message', data)), 'm');
  it('needs a text', () => {
    expect(of({})).toEqual(['a message needs a text']);
    expect(of({ text: '   ' })).toEqual(['a message needs a text']);
    expect(of({ text: 'x'.repeat(4097) })).toEqual(['the text is longer than WhatsApp allows (4096 characters)']);
    expect(of({ text: '', mediaUrl: 'https://cdn.example.com/a.jpg' })).toEqual([]);
    expect(of({ text: 'x', mediaUrl: 'not a url' })).toEqual(['mediaUrl: must be an http(s) URL']);
  });
  it('takes at most 3 buttons, each with an id and a short title', () => {
    const buttons = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `b${i}`, title: `B${i}` }));
    expect(of({ text: 'x', buttons: buttons(3) })).toEqual([]);
    expect(of({ text: 'x', buttons: buttons(4) })).toEqual(['a message has at most 3 buttons, this one has 4']);
    expect(of({ text: 'x', buttons: [{ title: 'A' }, { id: 'b', title: 'x'.repeat(21) }, { id: 'b', title: 'B' }] })).toEqual([
      'button 1 needs an id',
      `button "${'x'.repeat(21)}": a title has at most 20 characters`,
      'two buttons have the id "b"',
    ]);
    expect(of({ buttons: buttons(1), mediaUrl: 'https://cdn.example.com/a.jpg' })).toEqual(['a message with buttons or a list needs a text']);
  });
  it('takes a list of at most 10 rows with its button text, not together with buttons', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
    expect(of({ text: 'x', list: { button: 'Pick', rows: rows(10) } })).toEqual([]);
    expect(of({ text: 'x', list: { button: 'Pick', rows: rows(11) } })).toEqual(['a list has at most 10 rows, this one has 11']);
    expect(of({ text: 'x', list: { rows: [] } })).toEqual(['a list needs the text of the button that opens it', 'a list needs at least one row']);
    expect(of({ text: 'x', list: { button: 'Pick', rows: [{ id: 'r', title: '' }] } })).toEqual(['row 1 needs a title']);
    expect(of({ text: 'x', buttons: [{ id: 'a', title: 'A' }], list: { button: 'Pick', rows: rows(1) } })).toEqual(['a message has buttons or a list, not both']);
  });
});

describe('question data', () => {
  const of = (data: object) => messagesOf(around(node('q', 'question', { text: 'Name?', input: 'text', saveAs: 'name', ...data })), 'q');
  it('needs a text, a known input and a variable to save into', () => {
    expect(of({})).toEqual([]);
    expect(of({ text: '' })).toEqual(['a question needs its text']);
    expect(of({ input: 'colour' })).toEqual(['input: must be one of text, number, email, phone, date, choice']);
    expect(of({ saveAs: undefined })).toEqual(['saveAs: needs the name of the variable to save into']);
    expect(of({ saveAs: 'contact.name' })).toEqual(['saveAs: "contact.name" is not a variable name (letters, digits, _ and -, starting with a letter or _)']);
  });
  it('needs the choices of a choice question', () => {
    expect(of({ input: 'choice' })).toEqual(['a choice question needs its choices']);
    expect(of({ input: 'choice', choices: ['S', 'M', 'L'] })).toEqual([]);
    expect(of({ input: 'choice', choices: Array.from({ length: 11 }, (_, i) => `c${i}`) })).toEqual(['a choice question has at most 10 choices']);
  });
  it('refuses an invalid or catastrophic validation regex', () => {
    expect(of({ validation: '[a-' })[0]).toMatch(/^validation is not a valid regular expression/);
    expect(of({ validation: '(?<=a)b' })[0]).toMatch(/^validation uses /);
    expect(of({ validation: '^\\d{4}$' })).toEqual([]);
  });
  it('keeps retries and the timeout in range', () => {
    expect(of({ retries: -1 })).toEqual(['retries: must be a whole number from 0 to 10']);
    expect(of({ timeoutSeconds: 0 })).toEqual(['timeoutSeconds: must be a whole number of seconds, from 1 second to 30 days']);
    expect(of({ timeoutSeconds: 30 * 86_400 + 1 })).toEqual(['timeoutSeconds: must be a whole number of seconds, from 1 second to 30 days']);
  });
});

describe('condition data', () => {
  const of = (rules: unknown) => messagesOf(around(node('c', 'condition', { rules })), 'c');
  it('needs rules, each with an id, a subject and an op', () => {
    expect(of([])).toEqual(['a condition needs at least one rule']);
    expect(of([{ subject: 'text', op: 'isEmpty' }])).toEqual(['rule 1 needs an id (its branch)']);
    expect(of([{ id: 'r', op: 'isEmpty' }])).toEqual(['rule "r" needs a subject: text, label, variable:<name> or field:<name>']);
    expect(of([{ id: 'r', subject: 'text', op: 'like' }])).toEqual(['rule "r" needs an op: one of equals, contains, startsWith, regex, isEmpty, gt, lt']);
    expect(of([{ id: 'default', subject: 'text', op: 'isEmpty' }])).toEqual(['rule "default": "default" is the branch taken when no rule matches']);
    expect(of([{ id: 'r', subject: 'label', op: 'isEmpty' }, { id: 'r', subject: 'text', op: 'isEmpty' }])).toEqual(['two rules have the id "r"']);
  });
  it('needs a value to compare with, a valid regex and a number for gt/lt', () => {
    expect(of([{ id: 'r', subject: 'text', op: 'contains' }])).toEqual(['rule "r" needs a value to compare with']);
    expect(of([{ id: 'r', subject: 'text', op: 'regex', value: '(' }])[0]).toMatch(/^rule "r" is not a valid regular expression/);
    expect(of([{ id: 'r', subject: 'field:orders', op: 'gt', value: 'many' }])).toEqual(['rule "r": gt compares with a number, not "many"']);
    expect(of([{ id: 'r', subject: 'field:orders', op: 'lt', value: '3' }])).toEqual([]);
  });
});

describe('other nodes', () => {
  const of = (n: FlowNode) => messagesOf(around(n), n.id);
  it('keeps a delay between 1 second and 30 days', () => {
    expect(of(node('d', 'delay', { seconds: 30 * 86_400 }))).toEqual([]);
    for (const seconds of [0, 1.5, 30 * 86_400 + 1, '60', undefined]) expect(of(node('d', 'delay', { seconds }))).toEqual(['a delay needs a whole number of seconds, from 1 second to 30 days']);
  });
  it('needs the name of a setVariable', () => {
    expect(of(node('s', 'setVariable', { value: 'x' }))).toEqual(['name: needs the name of the variable to save into']);
    expect(of(node('s', 'setVariable', { name: 'my var', value: 'x' }))[0]).toMatch(/^name: "my var" is not a variable name/);
  });
  it('needs a label to add or remove on a tag', () => {
    expect(of(node('t', 'tag', {}))).toEqual(['a tag node needs a label to add or remove']);
    expect(of(node('t', 'tag', { add: [''] }))).toEqual(['labels must be a list of non-empty texts']);
  });
  it('needs the method and an http(s) url of a webhook', () => {
    expect(of(node('w', 'webhook', { method: 'GET', url: 'https://example.com/orders/{{contact.phone}}' }))).toEqual([]);
    expect(of(node('w', 'webhook', { url: 'https://example.com' }))).toEqual(['method: must be one of GET, POST, PUT, PATCH, DELETE']);
    expect(of(node('w', 'webhook', { method: 'POST' }))).toEqual(['a webhook needs its URL']);
    expect(of(node('w', 'webhook', { method: 'POST', url: 'ftp://example.com' }))).toEqual(['url: "ftp://example.com" is not an http(s) URL']);
    expect(of(node('w', 'webhook', { method: 'POST', url: 'https://x.example', saveAs: '1st', retries: 11 }))).toEqual([
      'saveAs: "1st" is not a variable name (letters, digits, _ and -, starting with a letter or _)',
      'retries: must be a whole number from 0 to 10',
    ]);
  });
  it('takes ai, handover and end nodes without data', () => {
    expect(of(node('a', 'ai'))).toEqual([]);
    expect(validateFlow(flow([trigger(), node('h', 'handover')], [edge('start', 'h')]))).toEqual([]);
  });
});

describe('variables', () => {
  it('reports a {{variable}} nothing in the flow sets, and a condition on one', () => {
    const def = around(node('m', 'message', { text: 'Your order {{order}} for {{contact.name}} ({{contact.fields.city}})' }));
    expect(messagesOf(def, 'm')).toEqual(["uses {{order}}, which no step of this flow sets (a question's or webhook's saveAs, a set variable) and is not a contact variable"]);
    const condition = around(node('c', 'condition', { rules: [{ id: 'r', subject: 'variable:size', op: 'isEmpty' }] }));
    expect(messagesOf(condition, 'c')).toEqual(["uses {{size}}, which no step of this flow sets (a question's or webhook's saveAs, a set variable) and is not a contact variable"]);
    const url = around(node('w', 'webhook', { method: 'GET', url: 'https://x.example/{{id}}' }));
    expect(messagesOf(url, 'w')[0]).toMatch(/^uses \{\{id\}\}/);
  });

  it('accepts a variable set anywhere in the flow, by a question, a webhook or a setVariable', () => {
    expect(validateFlow(everything)).toEqual([]);
    expect(usedVariables(everything.nodes.find((n) => n.id === 'menu')!)).toEqual(['greeting', 'crm']);
    expect(usedVariables(everything.nodes.find((n) => n.id === 'check')!)).toEqual(['email']);
  });
});

test('reports every problem of a flow at once, each on its node', () => {
  const def = flow(
    [trigger({ on: 'keyword' }), node('m', 'message', {}), node('d', 'delay', { seconds: 0 })],
    [edge('start', 'm'), edge('m', 'ghost')],
  );
  expect(validateFlow(def)).toEqual([
    { nodeId: 'm', message: 'an edge leads to a node that does not exist (ghost)' },
    { nodeId: 'm', message: 'no edge leaves this message node: connect it to the next step, or to an end' },
    { nodeId: 'd', message: 'no edge leads to this node: a run can never reach it' },
    { nodeId: 'd', message: 'no edge leaves this delay node: connect it to the next step, or to an end' },
    { nodeId: 'start', message: 'a keyword trigger needs at least one keyword' },
    { nodeId: 'm', message: 'a message needs a text' },
    { nodeId: 'd', message: 'a delay needs a whole number of seconds, from 1 second to 30 days' },
  ]);
});
