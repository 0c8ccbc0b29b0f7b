import type { FlowNode } from '../../../../workflows/flows/definition';
import { FLOW_TEMPLATES } from '../../../../workflows/flows/templates';
import { nodeBranches as validBranches, validateFlow } from '../../../../workflows/flows/validate';
import { defaultData, formatDuration, freshId, NODE_KINDS, nodeBranches, toDefinition } from './node-catalog';

const node = (type: FlowNode['type'], data: Record<string, unknown>) => ({ id: 'n', type, data, position: { x: 0, y: 0 } }) as FlowNode;

describe('nodeBranches (the canvas handles)', () => {
  test('a message without buttons goes on by its default way; with buttons, one handle per button and one for any other reply', () => {
    expect(nodeBranches('message', { text: 'hi' })).toEqual([{ id: null, label: 'next' }]);
    expect(nodeBranches('message', { text: 'hi', buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] }).map((b) => b.id)).toEqual(['yes', 'no', null]);
    expect(nodeBranches('message', { text: 'hi', list: { button: 'Pick', rows: [{ id: 'r1', title: 'One' }] } }).map((b) => [b.id, b.label])).toEqual([['r1', 'One'], [null, 'other reply']]);
  });

  test('question, condition, webhook and ai handles are the branches the runtime takes', () => {
    expect(nodeBranches('question', {}).map((b) => b.id)).toEqual([null, 'invalid', 'timeout']);
    expect(nodeBranches('condition', { rules: [{ id: 'vip', subject: 'label', op: 'equals', value: 'vip' }] }).map((b) => b.id)).toEqual(['vip', 'default']);
    expect(nodeBranches('webhook', {}).map((b) => b.id)).toEqual(['success', 'error']);
    expect(nodeBranches('ai', {}).map((b) => b.id)).toEqual([null, 'error']);
    expect(nodeBranches('end', {})).toEqual([]);
  });

  test.each(FLOW_TEMPLATES.flatMap((t) => t.definition.nodes.map((n) => [`${t.id}/${n.id}`, n] as const)))('%s: every named handle is a branch the validator accepts', (_name, n) => {
    const named = nodeBranches(n.type, n.data as Record<string, unknown>).map((b) => b.id).filter((id): id is string => id !== null);
    expect(validBranches(n).filter((id) => named.includes(id))).toEqual(named);
  });

  test("every template's edges leave by a handle the canvas draws", () => {
    for (const template of FLOW_TEMPLATES) {
      for (const edge of template.definition.edges) {
        const source = template.definition.nodes.find((n) => n.id === edge.source)!;
        const handles = nodeBranches(source.type, source.data as Record<string, unknown>).map((b) => b.id);
        expect({ template: template.id, edge: edge.id, drawn: handles.includes(edge.sourceHandle ?? null) || (edge.sourceHandle === undefined && handles.includes('default')) })
          .toEqual({ template: template.id, edge: edge.id, drawn: true });
      }
    }
  });
});

test('a new node of each type has the data its form edits, and needs only its edges to be valid', () => {
  for (const { type } of NODE_KINDS.filter((k) => k.type !== 'trigger')) {
    const final = type === 'end' || type === 'handover';
    const nodes = [node('trigger', defaultData('trigger')), { ...node(type, defaultData(type)), id: 'x' }, ...(final ? [] : [{ ...node('end', {}), id: 'end' }])];
    const edges = [{ id: 'e1', source: 'n', target: 'x' }, ...(final ? [] : [{ id: 'e2', source: 'x', target: 'end' }])];
    expect({ type, problems: validateFlow({ nodes, edges }) }).toEqual({ type, problems: [] });
  }
});

test('toDefinition keeps only the format fields, rounds positions and drops an empty handle', () => {
  const canvas = [{ id: 'a', type: 'end', data: { note: undefined }, position: { x: 10.4, y: 20.6 }, selected: true, measured: { width: 1 } }];
  expect(toDefinition(canvas, [{ id: 'e', source: 'a', target: 'b', sourceHandle: null }, { id: 'f', source: 'a', target: 'b', sourceHandle: 'error' }])).toEqual({
    nodes: [{ id: 'a', type: 'end', data: {}, position: { x: 10, y: 21 } }],
    edges: [{ id: 'e', source: 'a', target: 'b' }, { id: 'f', source: 'a', target: 'b', sourceHandle: 'error' }],
  });
});

test('freshId and formatDuration', () => {
  expect(freshId('message', ['message-1', 'message-3'])).toBe('message-2');
  expect(formatDuration(2 * 86400 + 3600 + 5)).toBe('2 d 1 h');
  expect(formatDuration(90)).toBe('1 min 30 s');
});
