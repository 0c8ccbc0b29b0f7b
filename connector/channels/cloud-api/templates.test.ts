import { renderTemplate, templateBody } from './templates';

describe('a template body', () => {
  it('counts distinct placeholders of the BODY component only', () => {
    expect(templateBody([{ type: 'HEADER', format: 'TEXT', text: 'Hi {{1}}' }, { type: 'BODY', text: 'Order {{1}} for {{2}} is ready. {{1}} again' }])).toEqual({
      body: 'Order {{1}} for {{2}} is ready. {{1}} again',
      variableCount: 2,
    });
    expect(templateBody([{ type: 'BODY', text: 'Hello world' }])).toEqual({ body: 'Hello world', variableCount: 0 });
    expect(templateBody(undefined)).toEqual({ body: null, variableCount: 0 });
  });

  it('renders with the variables in placeholder order, named placeholders too', () => {
    expect(renderTemplate('Order {{1}} for {{2}}; again {{1}}', 'x', ['#42', 'Ana'])).toBe('Order #42 for Ana; again #42');
    expect(renderTemplate('Hi {{name}}', 'x', ['Ana'])).toBe('Hi Ana');
    expect(renderTemplate(null, 'hello_world', [])).toBe('[template hello_world]');
  });
});
