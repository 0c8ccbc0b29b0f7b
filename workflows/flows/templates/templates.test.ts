import { FLOW_TEMPLATES, flowTemplate } from './index';
import { validateFlow } from '../validate';
import type { FlowNode } from '../definition';

const byId = (id: string) => flowTemplate(id)!.definition;
const nodesOf = <T extends FlowNode['type']>(id: string, type: T) => byId(id).nodes.filter((node): node is Extract<FlowNode, { type: T }> => node.type === type);

test.each(FLOW_TEMPLATES.map((template) => [template.id, template]))('%s is valid as shipped', (_id, template) => {
  expect(validateFlow(template.definition)).toEqual([]);
});

test('the four templates of issue 11, each with its own id', () => {
  expect(FLOW_TEMPLATES.map((template) => template.id)).toEqual(['booking-assistant', 'order-tracking', 'faq-bot', 'lead-qualification']);
  expect(flowTemplate('nope')).toBeUndefined();
});

test('the booking assistant asks date, time and name, and confirms with yes / no', () => {
  expect(nodesOf('booking-assistant', 'question').map((node) => [node.data.input, node.data.saveAs])).toEqual([['date', 'date'], ['text', 'time'], ['text', 'name']]);
  const [confirm] = nodesOf('booking-assistant', 'message').filter((node) => node.data.buttons);
  expect(confirm.data.buttons!.map((button) => button.id)).toEqual(['yes', 'no']);
  expect(byId('booking-assistant').edges.filter((edge) => edge.source === confirm.id).map((edge) => edge.sourceHandle)).toEqual(['yes', 'no']);
});

test('order tracking looks the order up with a webhook, with an answer on success and a handover on error', () => {
  const [lookup] = nodesOf('order-tracking', 'webhook');
  expect(lookup.data).toMatchObject({ method: 'GET', url: 'https://example.com/orders/{{order}}', saveAs: 'orderStatus' });
  const ways = byId('order-tracking').edges.filter((edge) => edge.source === lookup.id).map((edge) => [edge.sourceHandle, edge.target]);
  expect(ways).toEqual([['success', 'answer'], ['error', 'not-found']]);
});

test('the FAQ bot answers with the AI node and hands over on its error branch', () => {
  const [ai] = nodesOf('faq-bot', 'ai');
  expect(byId('faq-bot').edges).toContainEqual(expect.objectContaining({ source: ai.id, sourceHandle: 'error', target: 'human' }));
  expect(nodesOf('faq-bot', 'handover')).toHaveLength(1);
});

test('lead qualification asks name, email and company size, tags "lead" and posts to a CRM', () => {
  expect(nodesOf('lead-qualification', 'question').map((node) => node.data.input)).toEqual(['text', 'email', 'choice']);
  expect(nodesOf('lead-qualification', 'tag')[0].data).toEqual({ add: ['lead'] });
  const [crm] = nodesOf('lead-qualification', 'webhook');
  expect(crm.data.method).toBe('POST');
  expect(JSON.parse(crm.data.body!.replace(/\{\{[\w.]+\}\}/g, 'x'))).toMatchObject({ name: 'x', email: 'x', companySize: 'x' });
});
