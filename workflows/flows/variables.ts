/**
 * `{{variables}}` in a flow's texts and URLs: `{{contact.name}}`, `{{contact.phone}}`,
 * `{{contact.fields.<key>}}` and flow variables by name. Pure: the flow run renders with it, the
 * validator lists what a text uses, broadcasts render their text the same way.
 */

/** What a template can name: `contact.*` and the flow's own variables. */
export interface TemplateScope {
  contact: { name: string | null; phone: string; fields?: Record<string, unknown> };
  variables: Record<string, unknown>;
}

const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

/** The text with each `{{name}}` replaced; an unknown or empty name renders as nothing. */
export function renderTemplate(text: string, scope: TemplateScope): string {
  return text.replace(PLACEHOLDER, (_, name: string) => stringify(lookup(name, scope)));
}

/** The names a text uses, in order of first use. */
export function templateVariables(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) names.add(match[1]);
  return [...names];
}

/** True for the names every flow has (`contact.name`, `contact.phone`, `contact.fields.<key>`). */
export function isContactVariable(name: string): boolean {
  return name === 'contact.name' || name === 'contact.phone' || /^contact\.fields\.[\w-]+$/.test(name);
}

function lookup(name: string, scope: TemplateScope): unknown {
  if (name === 'contact.name') return scope.contact.name;
  if (name === 'contact.phone') return scope.contact.phone;
  if (name.startsWith('contact.fields.')) return scope.contact.fields?.[name.slice('contact.fields.'.length)];
  return scope.variables[name];
}

function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
