/**
 * A business account's message templates: read from the Graph API (`/<waba>/message_templates`,
 * every page) and reduced to what the inbox shows and a send checks (body text, variable count).
 */
import type { CloudCredentials } from './credentials';
import { callGraph, type GraphApi } from './graph-api';

/** One template as the Graph API lists it. */
export interface GraphTemplate {
  id?: string;
  name: string;
  language: string;
  status: string;
  category?: string;
  components?: { type: string; text?: string; format?: string }[];
}

interface TemplatePage {
  data?: GraphTemplate[];
  paging?: { cursors?: { after?: string }; next?: string };
}

const PAGE_SIZE = 100;
/** A business account has a few hundred templates at most; more pages than this is a paging loop. */
const MAX_PAGES = 50;

/** Every template of the credentials' business account, following the paging cursors. */
export async function fetchTemplates(graph: GraphApi, credentials: CloudCredentials): Promise<GraphTemplate[]> {
  const all: GraphTemplate[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), fields: 'id,name,language,status,category,components', ...(after ? { after } : {}) });
    const answer = await callGraph<TemplatePage>(graph, credentials.accessToken, 'GET', `${encodeURIComponent(credentials.businessAccountId)}/message_templates?${query}`);
    all.push(...(answer.data ?? []));
    after = answer.paging?.next ? answer.paging.cursors?.after : undefined;
    if (!after) return all;
  }
  throw new Error(`the Graph API kept paging templates past ${MAX_PAGES} pages`);
}

/** The BODY component's text and how many distinct {{n}} placeholders it has. Pure. */
export function templateBody(components: GraphTemplate['components']): { body: string | null; variableCount: number } {
  const body = components?.find((c) => c.type.toUpperCase() === 'BODY')?.text ?? null;
  const placeholders = new Set([...(body ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]));
  return { body, variableCount: placeholders.size };
}

/** The body with its placeholders filled in order: the text a template send records. Pure. */
export function renderTemplate(body: string | null, name: string, variables: string[]): string {
  if (!body) return `[template ${name}]`;
  let n = 0;
  const index = new Map<string, number>();
  return body.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => {
    if (!index.has(key)) index.set(key, n++);
    return variables[index.get(key)!] ?? whole;
  });
}
